"""Whole conversations as Rasa's events, for the patches that carry a tracker's history forward
(patches 9 and 10): a size form, undos, a restart, new sessions and rule-only turns."""

from __future__ import annotations

from typing import Any, Iterator, List

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)


def said(intent: str, text: str, *entities: tuple) -> List[Any]:
    found = [{"entity": name, "value": value, "start": 0, "end": 1} for name, value in entities]
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 0.9}, found),
    ]


def answered(action: str, *events: Any) -> List[Any]:
    return [ActionExecuted(action), *events, BotUttered("亲，好的呢")]


def session_start() -> List[Any]:
    return [ActionExecuted("action_session_start"), SessionStarted()]


def a_buyer_asking_for_a_size() -> Iterator[Any]:
    yield from session_start()
    yield from said("greet", "在吗")
    yield from answered("action_greet")
    yield from said("ask_product_info", "这件T恤什么面料", ("product", "T恤"))
    yield from answered("action_product_info", SlotSet("current_product", "T恤"), SlotSet("last_topic", "product"))
    yield from said("ask_size", "我穿什么码")
    yield ActionExecuted("size_form")
    yield ActiveLoop("size_form")
    yield SlotSet("requested_slot", "height_cm")
    yield BotUttered("亲，您身高多少呢")
    yield from said("inform", "165", ("height", "165"))
    yield ActionExecuted("size_form")
    yield SlotSet("height_cm", 165.0)
    yield SlotSet("requested_slot", "weight_kg")
    yield from said("inform", "55公斤", ("weight", "55"))
    yield ActionExecuted("size_form")
    yield SlotSet("weight_kg", 55.0)
    yield SlotSet("requested_slot", None)
    yield ActiveLoop(None)
    yield from answered("action_recommend_size", SlotSet("size", "M"))
    yield from said("thank", "谢谢亲")
    yield from answered("action_thank")


def a_buyer_who_is_misread_and_undone() -> Iterator[Any]:
    yield from session_start()
    yield from said("bargain", "能便宜点吗")
    yield from answered("action_bargain", SlotSet("bargain_count", 1.0))
    yield from said("out_of_scope", "啊啊啊")
    yield ActionExecuted("action_unclear")
    yield UserUtteranceReverted()  # the fallback takes the message back
    yield from said("ask_free_shipping", "包邮吗")
    yield ActionExecuted("action_free_shipping")
    yield ActionReverted()
    yield from answered("action_free_shipping")
    yield from said("request_human", "转人工", ("order_id", "123456"))
    # A slot set and then cleared: left out of the states only when unset slots are omitted.
    yield from answered("action_handoff", SlotSet("handoff_reason", "asked"), SlotSet("size", "M"), SlotSet("size", None))
    yield Restarted()
    yield from session_start()
    yield from said("ask_order_status", "我的快递到哪了", ("order_id", "123456"))
    yield from answered("action_order_status", SlotSet("order_id", "123456"))
    yield from session_start()  # a new session carries the slots over
    yield from said("ask_courier", "发什么快递")
    yield from answered("action_courier")


def a_buyer_in_rule_only_turns() -> Iterator[Any]:
    # Rules answer with turns a story never saw (hide_rule_turn); a form and a follow-up action
    # keep whether the turn is hidden.
    yield from session_start()
    yield from said("bot_challenge", "你是机器人吗")
    yield ActionExecuted("action_bot_challenge", hide_rule_turn=True)
    yield BotUttered("亲，我是店里的智能助手哦")
    yield ActionExecuted("action_listen", hide_rule_turn=True)
    yield UserUttered("那你帮我看看尺码", {"name": "ask_size", "confidence": 0.8}, [])
    yield ActionExecuted("size_form", hide_rule_turn=True)
    yield ActiveLoop("size_form")
    yield SlotSet("requested_slot", "height_cm")
    yield ActionExecuted("action_listen", hide_rule_turn=True)
    yield UserUttered("170", {"name": "inform", "confidence": 1.0}, [{"entity": "height", "value": "170"}])
    yield ActionExecuted("size_form")
    yield SlotSet("height_cm", 170.0)
    yield from said("request_human", "算了转人工吧")
    yield ActiveLoop(None)
    yield FollowupAction("action_handoff")
    yield ActionExecuted("action_handoff", hide_rule_turn=True)
    yield from said("greet", "在吗")
    yield from answered("action_greet")
    yield from said("thank", "好的谢谢")
    yield ActionExecuted("action_thank", hide_rule_turn=True)
    yield from said("goodbye", "拜拜")
    yield from answered("action_goodbye")


CONVERSATIONS = [a_buyer_asking_for_a_size, a_buyer_who_is_misread_and_undone, a_buyer_in_rule_only_turns]
