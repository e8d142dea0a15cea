"""Precision before recall, action by action against a real Redis: nothing is recorded on the
nearest intent alone, a cancel never touches a parcel on its way, no reply three times."""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from actions.aftersales import ActionComplainQuality, ActionReturnExchange
from actions.base import PENDING_CANCEL_SLOT
from actions.chat import ActionAffirm, ActionDeny, ActionUnclear
from actions.orders import ActionChangeAddress
from actions.shipping import ActionFreeShipping
from bot.behaviours import BEHAVIOUR_SLOT
from bot.context import Services
from bot.models import OrderStatus
from bot.replies.repeats import REMINDER, offer_a_person
from tests.conftest import handoffs_of
from tests.integration.actions.test_actions import run, slot_events


def tracker(
    text: str,
    intent: str,
    sender: str = "buyer_xiaomei",
    confidence: float = 0.9,
    slots: Optional[Dict[str, Any]] = None,
    said: List[str] = (),
    ranking: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
        "entities": [],
        "metadata": {},
    }
    events = [{"event": "bot", "text": t} for t in said] + [{"event": "user", "text": text, "timestamp": time.time()}]
    return Tracker(sender, slots or {}, message, events, False, None, {}, "action_listen")


def test_praise_is_thanked_and_never_recorded_as_a_complaint(services: Services) -> None:
    texts, events = run(ActionComplainQuality(services), tracker("收到了 质量不错 很喜欢", "complain_quality"))
    assert "谢谢" in texts[0] or "喜欢" in texts[0]
    assert services.store.requests("quality_complaint") == [] and handoffs_of(services.store).handoff("buyer_xiaomei") is None
    assert slot_events(events)[BEHAVIOUR_SLOT] == "ack"


def test_a_complaint_without_a_named_problem_is_asked_about_first(services: Services) -> None:
    texts, events = run(ActionComplainQuality(services), tracker("东西收到了", "complain_quality"))
    assert "什么问题" in texts[0] and services.store.requests("quality_complaint") == []
    assert slot_events(events)[BEHAVIOUR_SLOT] == "clarify"
    run(ActionComplainQuality(services), tracker("袖口开线了", "complain_quality"))
    assert len(services.store.requests("quality_complaint")) == 1


def test_an_address_question_registers_no_change(services: Services) -> None:
    texts, _ = run(ActionChangeAddress(services), tracker("这个地址能送到吗", "change_address"))
    assert services.store.requests("address_change") == [] and "收货地址" in texts[0]
    texts, _ = run(ActionChangeAddress(services), tracker("给我一个寄回的地址", "change_address"))
    assert services.store.requests("address_change") == [] and "退货地址" in texts[0]  # the shop's answer


def test_a_declined_return_starts_nothing(services: Services) -> None:
    run(ActionReturnExchange(services), tracker("先穿几天看看，合适就不换了", "return_exchange"))
    assert services.store.requests("return_exchange") == []


def test_a_cancel_asks_first_and_never_touches_the_shipped_order(services: Services) -> None:
    own = services.store.orders_of("buyer_xiaomei")
    shipped = next(o for o in own if o.status is OrderStatus.shipped)
    unpaid = next(o for o in own if o.status is OrderStatus.unpaid)
    texts, events = run(ActionReturnExchange(services), tracker("帮我取消订单", "return_exchange"))
    assert unpaid.id in texts[0] and shipped.id not in texts[0] and "确认" in texts[0]
    assert services.store.requests("cancel") == [] and services.store.requests("return_exchange") == []
    slots = slot_events(events)
    assert slots[PENDING_CANCEL_SLOT] == unpaid.id and slots[BEHAVIOUR_SLOT] == "flow:cancel_order"

    texts, events = run(ActionAffirm(services), tracker("是的", "affirm", slots=slots))
    assert [r.order_id for r in services.store.requests("cancel")] == [unpaid.id]
    assert slot_events(events)[PENDING_CANCEL_SLOT] is None and unpaid.id in texts[0]


def test_no_to_our_cancel_question_keeps_the_order(services: Services) -> None:
    _, events = run(ActionReturnExchange(services), tracker("不想要了 取消吧", "return_exchange"))
    texts, _ = run(ActionDeny(services), tracker("算了不用", "deny", slots=slot_events(events)))
    assert "保留" in texts[0] and services.store.requests("cancel") == []


def test_a_yes_long_after_the_question_cancels_nothing(services: Services) -> None:
    unpaid = next(o for o in services.store.orders_of("buyer_xiaomei") if o.status is OrderStatus.unpaid)
    stale = {PENDING_CANCEL_SLOT: unpaid.id, BEHAVIOUR_SLOT: "answer:ask_free_shipping"}
    run(ActionAffirm(services), tracker("好的", "affirm", slots=stale))
    assert services.store.requests("cancel") == []


def test_the_same_reply_is_never_sent_three_times(services: Services) -> None:
    said: List[str] = []
    for _ in range(4):
        texts, _ = run(ActionFreeShipping(services), tracker("包邮吗", "ask_free_shipping", said=said))
        said += texts
    first = said[0]
    assert said[1] == REMINDER + first and offer_a_person() in said
    assert max(said.count(text) for text in said) <= 1
    assert handoffs_of(services.store).handoff("buyer_xiaomei") is not None  # the fourth time: a person


def test_unsure_messages_get_likely_questions_as_buttons(services: Services) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.35},
        {"name": "ask_shipping_time", "confidence": 0.3},
        {"name": "ask_order_status", "confidence": 0.25},
        {"name": "greet", "confidence": 0.2},
    ]
    dispatcher_texts, _ = run(ActionUnclear(services), tracker("那个咋整的啊", "nlu_fallback", confidence=0.35, ranking=ranking))
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    ActionUnclear(services).run(dispatcher, tracker("那个咋整的啊", "nlu_fallback", confidence=0.35, ranking=ranking), {})
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles == ["什么时候发货？", "我的快递到哪了？"]
    assert all(b["payload"] == b["title"] for b in dispatcher.messages[0]["buttons"])


def test_a_sure_data_answer_keeps_priority_over_a_keyword_unless_the_entry_overrides(services: Services) -> None:
    from actions.shipping import ActionShippingTime

    sure, _ = run(ActionFreeShipping(services), tracker("有运费险吗 包邮吗", "ask_free_shipping", confidence=0.99))
    assert "包邮" in sure[0] and "运费险赔付" not in sure[0]
    unsure, events = run(ActionFreeShipping(services), tracker("有运费险吗 包邮吗", "ask_free_shipping", confidence=0.7))
    assert "运费险赔付" in unsure[0] and slot_events(events)["answer_source"] == "knowledge:return_pickup"
    weekend, _ = run(ActionShippingTime(services), tracker("周末发货吗", "ask_shipping_time", confidence=0.97))
    assert "周末和节假日照常发货" in weekend[0]  # that entry overrides the intent deliberately


def test_shipping_time_and_parcel_status_neck_and_neck_are_answered_together(services: Services) -> None:
    """Two sibling intents jointly sure: the parcel on its way is told, not 猜你想问; the same
    ranking on a statement, or jointly unsure, is still asked back."""
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.35},
        {"name": "ask_shipping_time", "confidence": 0.46},
        {"name": "ask_order_status", "confidence": 0.44},
    ]
    texts, events = run(
        ActionUnclear(services), tracker("包裹大约啥时候能送到呀", "nlu_fallback", confidence=0.35, ranking=ranking)
    )
    assert "已于" in texts[0] and "发出" in texts[0]  # buyer_xiaomei's shipped order
    assert slot_events(events)[BEHAVIOUR_SLOT] == "answer:ask_order_status"

    texts, events = run(ActionUnclear(services), tracker("送货快慢我不在乎", "nlu_fallback", confidence=0.35, ranking=ranking))
    assert slot_events(events)[BEHAVIOUR_SLOT] == "clarify"

    unsure = [
        dict(ranking[0]),
        {"name": "ask_shipping_time", "confidence": 0.4},
        {"name": "ask_order_status", "confidence": 0.35},
    ]
    texts, events = run(ActionUnclear(services), tracker("啥时候能送到", "nlu_fallback", confidence=0.35, ranking=unsure))
    assert slot_events(events)[BEHAVIOUR_SLOT] in ("clarify", "handoff")


def test_right_after_a_policy_answer_its_follow_up_words_keep_the_topic(services: Services) -> None:
    """ "是寄给我还是发邮箱" after the invoice answer is about the invoice (not a courier question,
    not a person); the same words with no policy answer before are not."""
    from actions.shipping import ActionCourier

    after_invoice = {BEHAVIOUR_SLOT: "faq:invoice"}
    texts, events = run(
        ActionCourier(services), tracker("是快递寄给我还是发我邮箱", "ask_courier", confidence=0.6, slots=after_invoice)
    )
    assert "邮箱" in texts[0] and slot_events(events)["answer_source"] == "knowledge:invoice_where"
    assert handoffs_of(services.store).handoff("buyer_xiaomei") is None
    texts, events = run(ActionCourier(services), tracker("是快递寄给我还是发我邮箱", "ask_courier", confidence=0.6))
    assert slot_events(events)[BEHAVIOUR_SLOT] != "faq:invoice"


def test_news_that_the_parcel_came_is_acknowledged_not_answered_with_its_tracking(services: Services) -> None:
    from actions.orders import ActionOrderStatus

    texts, events = run(ActionOrderStatus(services), tracker("好啦 已经到了", "ask_order_status", confidence=0.99))
    assert slot_events(events)[BEHAVIOUR_SLOT] == "ack" and "单号" not in texts[0]
    texts, events = run(ActionOrderStatus(services), tracker("到了吗", "ask_order_status", confidence=0.99))
    assert slot_events(events)[BEHAVIOUR_SLOT] == "answer:ask_order_status"


def test_a_cancel_request_is_not_taken_by_a_policy_keyword_it_mentions(services: Services) -> None:
    texts, events = run(
        ActionReturnExchange(services), tracker("帮我把订单取消了 优惠券忘用了", "return_exchange", confidence=0.85)
    )
    assert slot_events(events)[BEHAVIOUR_SLOT] == "flow:cancel_order" and "取消" in texts[0]
    assert services.store.requests("cancel") == []  # asked first, nothing done yet
    texts, events = run(ActionReturnExchange(services), tracker("取消订单的话优惠券会退回吗", "return_exchange", confidence=0.85))
    assert slot_events(events)[BEHAVIOUR_SLOT].startswith("faq:")


def test_two_questions_in_one_message_are_both_answered(services: Services) -> None:
    texts, events = run(ActionFreeShipping(services), tracker("亲这件包邮吗？发什么快递呀", "ask_free_shipping", confidence=0.95))
    assert len(texts) == 2 and "包邮" in texts[0] and "圆通" in texts[1]
    assert slot_events(events)[BEHAVIOUR_SLOT] == "answer:ask_free_shipping"
    texts, _ = run(ActionFreeShipping(services), tracker("亲这件包邮吗", "ask_free_shipping", confidence=0.95))
    assert len(texts) == 1


def test_an_unsure_statement_of_the_buyers_own_plan_is_acknowledged(services: Services) -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.35}, {"name": "ask_order_status", "confidence": 0.3}]
    texts, events = run(ActionUnclear(services), tracker("那我下午再来看看吧", "nlu_fallback", confidence=0.35, ranking=ranking))
    assert slot_events(events)[BEHAVIOUR_SLOT] == "ack" and len(texts) == 1
    _, events = run(ActionUnclear(services), tracker("那我下午能收到吗", "nlu_fallback", confidence=0.35, ranking=ranking))
    assert slot_events(events)[BEHAVIOUR_SLOT] == "clarify"


def test_a_statement_that_ends_in_thanks_is_a_goodbye_but_a_question_is_not(services: Services) -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.35}, {"name": "ask_courier", "confidence": 0.3}]
    _, events = run(
        ActionUnclear(services),
        tracker("以前都是这么发的 就是问问 没事了 谢谢", "nlu_fallback", confidence=0.35, ranking=ranking),
    )
    assert slot_events(events)[BEHAVIOUR_SLOT] == "ack"
    _, events = run(ActionUnclear(services), tracker("那这次发什么快递 谢谢", "nlu_fallback", confidence=0.35, ranking=ranking))
    assert slot_events(events)[BEHAVIOUR_SLOT] == "clarify"


def test_a_greeting_mid_chat_acknowledges_presence_without_a_second_welcome(services: Services) -> None:
    from actions.chat import ActionGreet

    t = tracker("还在吗", "greet", confidence=0.9)
    t.events.insert(0, {"event": "user", "text": "这件包邮吗", "timestamp": time.time() - 60})
    texts, events = run(ActionGreet(services), t)
    assert "欢迎" not in texts[0] and "在" in texts[0] and slot_events(events)[BEHAVIOUR_SLOT] == "ack"
    texts, events = run(ActionGreet(services), tracker("在吗", "greet", confidence=0.9))
    assert "欢迎" in texts[0] and slot_events(events)[BEHAVIOUR_SLOT] == "answer:greet"
