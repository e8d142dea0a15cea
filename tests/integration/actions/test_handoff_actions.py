"""Every handoff trigger queues the chat for a human and tells the buyer honestly."""

from __future__ import annotations

import asyncio
from typing import List

from rasa_sdk.executor import CollectingDispatcher

from actions.aftersales import ActionComplainQuality, ActionReturnExchange
from actions.chat import ActionAffirm, ActionDeny, ActionHandoff, ActionThank
from actions.follow_up import ActionFollowUp
from actions.orders import ActionOrderStatus
from actions.products import ActionStock
from bot.context import Services
from bot.handoff.queue import HandoffQueue
from bot.models import HandoffReason, HandoffState, OrderStatus
from bot.replies import chat as chat_replies
from tests.conftest import handoffs_of
from tests.integration.actions.test_actions import run, tracker


def queued(services: Services, conversation_id: str):
    handoff = handoffs_of(services.store).handoff(conversation_id)
    assert handoff is not None and handoff.state is HandoffState.waiting
    return handoff


def test_asking_for_a_human_queues_the_chat(services: Services) -> None:
    texts, events = run(ActionHandoff(services), tracker(intent="request_human", text="转人工"))
    assert "人工" in texts[0] and "非工作时间" not in texts[0]  # 14:00 is within the shop's working hours
    # The session is marked handed off, with why (the owner's numbers count it).
    assert {"event": "slot", "name": "handoff_reason", "value": HandoffReason.buyer_asked} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    assert queued(services, "buyer_xiaomei").reason == HandoffReason.buyer_asked
    assert HandoffQueue(services.store).with_human("buyer_xiaomei")


def test_a_quality_complaint_is_recorded_answered_and_handed_off(services: Services) -> None:
    t = tracker(intent="complain_quality", text="衣服洗了一次就掉色了", metadata={"item_id": "T001"})
    texts, _ = run(ActionComplainQuality(services), t)
    assert "抱歉" in texts[0] and "照片" in texts[0]
    assert "人工" in texts[1]
    assert services.store.complaint_counts("T001")["掉色"] == 1
    assert services.store.requests("quality_complaint")[0].order_id == "261103004512"  # her T001 parcel
    assert queued(services, "buyer_xiaomei").reason == HandoffReason.quality_complaint


def test_an_angry_buyer_gets_the_answer_then_a_human(services: Services) -> None:
    t = tracker(intent="ask_stock", text="气死了😡 到底有没有货", slots={"current_product": "T001"})
    texts, _ = run(ActionStock(services), t)
    assert "【" in texts[0]  # the question is still answered
    assert "抱歉让您不开心" in texts[1] and "人工" in texts[1]
    assert queued(services, "buyer_xiaomei").reason == HandoffReason.buyer_upset
    assert [r.reason for r in services.store.requests("handoff")] == [HandoffReason.buyer_upset]


def test_the_size_form_hands_an_upset_buyer_to_a_human_and_stops(services: Services) -> None:
    from actions.sizing import ActionRecommendSize, ValidateSizeForm

    t = tracker(intent="inform", text="165 烦死了 差评", slots={"requested_slot": "weight_kg"})
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateSizeForm(services).run(dispatcher, t, {}))
    assert "人工" in dispatcher.messages[0]["text"]
    assert [e["name"] for e in events if e["event"] == "active_loop"] == [None]
    assert [e["value"] for e in events if e.get("name") == "handoff_reason"] == [HandoffReason.buyer_upset]
    assert queued(services, "buyer_xiaomei").reason == HandoffReason.buyer_upset
    # Rasa then runs the form's closing action in the same turn: it must leave the chat to the human.
    texts, _ = run(ActionRecommendSize(services), t)
    assert texts == [] and len(services.store.requests("handoff")) == 1


def test_the_size_form_ends_quietly_when_an_interrupting_action_handed_off(services: Services) -> None:
    from actions.sizing import ValidateSizeForm

    # 转人工 inside the form: Rasa runs the handoff action, then the form, in the same turn.
    resumed = tracker(intent="request_human", text="转人工", slots={"requested_slot": "height_cm"})
    run(ActionHandoff(services), resumed)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateSizeForm(services).run(dispatcher, resumed, {}))
    assert dispatcher.messages == []  # no "您的身高是多少" to a buyer waiting for a person
    assert [e["name"] for e in events if e["event"] == "active_loop"] == [None]


def test_a_calm_buyer_stays_with_the_assistant(services: Services) -> None:
    calm = tracker(intent="ask_stock", text="有货吗", slots={"current_product": "T001"})
    texts, _ = run(ActionStock(services), calm)
    assert len(texts) == 1 and handoffs_of(services.store).handoff("buyer_xiaomei") is None


def test_an_angry_failing_action_hands_off_once(services: Services, redis_client) -> None:
    redis_client.set("shop:demo:order:261126009914", "{not json")
    texts, _ = run(ActionOrderStatus(services), tracker(intent="ask_order_status", text="垃圾 我的订单呢"))
    assert len(texts) == 1 and "人工" in texts[0]
    assert len(services.store.requests("handoff")) == 1


def test_a_refund_over_the_shops_amount_goes_to_a_human(services: Services) -> None:
    limit = services.store.shop().policy.handoff_refund_over
    order = next(o for o in services.store.orders_of("buyer_ahua") if o.total > limit and o.status is OrderStatus.delivered)
    t = tracker(
        sender="buyer_ahua",
        intent="return_exchange",
        text=f"订单{order.id}我要退货",
        entities=[{"entity": "order_id", "value": order.id}],
    )
    texts, _ = run(ActionReturnExchange(services), t)
    assert order.id in texts[0] and "人工" in texts[0] and "人工" in texts[1]
    handoff = queued(services, "buyer_ahua")
    assert handoff.order_id == order.id and handoff.reason is HandoffReason.refund_over_limit
    assert services.store.requests("return_exchange") == []  # the agent decides, not the assistant


def test_a_refund_under_the_amount_is_decided_by_the_assistant(services: Services) -> None:
    limit = services.store.shop().policy.handoff_refund_over
    order = next(o for o in services.store.orders_of("buyer_dawei") if o.total <= limit and o.status is OrderStatus.paid)
    t = tracker(
        sender="buyer_dawei",
        intent="return_exchange",
        text=f"订单{order.id}不想要了",
        entities=[{"entity": "order_id", "value": order.id}],
    )
    texts, events = run(ActionReturnExchange(services), t)
    assert len(texts) == 1 and handoffs_of(services.store).handoff("buyer_dawei") is None
    # Not shipped yet: a cancel, recorded once the buyer confirms it (no person needed).
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    run(ActionAffirm(services), tracker(sender="buyer_dawei", intent="affirm", text="确认", slots=slots))
    assert [r.order_id for r in services.store.requests("cancel")] == [order.id]
    assert handoffs_of(services.store).handoff("buyer_dawei") is None


def test_an_angry_follow_up_hands_off_once(services: Services) -> None:
    order = services.store.orders_of("buyer_dawei")[0]
    t = tracker(
        sender="buyer_dawei",
        intent="inform",
        text=f"{order.id} 气死了",
        entities=[{"entity": "order_id", "value": order.id}],
        slots={"last_topic": "order_status"},
    )
    texts, _ = run(ActionFollowUp(services), t)
    assert order.id in texts[0]  # the order is still answered
    assert sum("人工" in text for text in texts) == 1
    assert [r.reason for r in services.store.requests("handoff")] == [HandoffReason.buyer_upset]


def test_a_failure_without_a_handoff_promises_no_human(services: Services, redis_client) -> None:
    redis_client.set("shop:demo:order:261126009914", "{not json")
    redis_client.set("shop:demo:handoff:buyer_xiaomei", "not a hash")  # recording the handoff fails too
    texts, _ = run(ActionOrderStatus(services), tracker(intent="ask_order_status", text="我的订单呢"))
    assert len(texts) == 1 and "人工" not in texts[0] and "再发" in texts[0]
    assert services.store.requests("handoff") == []


def said(action, t) -> List[str]:
    """What the action sent: a domain response's name (the Rasa server renders it) or text."""
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, t, {})
    return [m.get("response") or m["text"] for m in dispatcher.messages]


def test_an_upset_no_is_answered_and_handed_off(services: Services) -> None:
    messages = said(ActionDeny(services), tracker(intent="deny", text="不要了 差评"))
    assert messages[0] in chat_replies.ACKNOWLEDGEMENTS["ack"] and "人工" in messages[1]
    assert queued(services, "buyer_xiaomei").reason == HandoffReason.buyer_upset


def test_a_calm_thanks_is_only_answered(services: Services) -> None:
    assert said(ActionThank(services), tracker(intent="thank", text="谢谢亲")) == [chat_replies.ACKNOWLEDGEMENTS["thanks"][0]]
    assert handoffs_of(services.store).handoff("buyer_xiaomei") is None


def test_messages_without_words_never_lead_to_a_person(services: Services) -> None:
    from actions.chat import ActionUnclear

    slots: dict = {}
    for text in ("", "   ", "😀", "\x00"):
        t = tracker(intent="nlu_fallback", text="", slots=dict(slots))
        t.latest_message["original_text"] = text
        texts, events = run(ActionUnclear(services), t)
        assert texts and "人工" not in texts[0], text
        slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    assert handoffs_of(services.store).handoff("buyer_xiaomei") is None


def test_a_waiting_chat_is_still_answered_and_told_once_when_it_waited_long(services: Services) -> None:
    from datetime import timedelta

    from bot.handoff.queue import wall_clock

    long_ago = wall_clock() - timedelta(minutes=30)
    HandoffQueue(services.store, clock=lambda: long_ago).request("buyer_xiaomei", "buyer_xiaomei", HandoffReason.buyer_asked)
    ask = tracker(intent="ask_stock", text="有货吗", slots={"current_product": "T001"})
    first, _ = run(ActionStock(services), ask)
    again, _ = run(ActionStock(services), tracker(intent="ask_stock", text="有货吗", slots={"current_product": "T001"}))
    assert len(first) == 2 and "久等" in first[1]  # the answer, then the one update
    assert len(again) == 1 and "久等" not in again[0]


def test_a_claimed_chat_gets_nothing_from_the_assistant(services: Services) -> None:
    queue = HandoffQueue(services.store)
    queue.request("buyer_xiaomei", "buyer_xiaomei", HandoffReason.buyer_asked)
    queue.claim("buyer_xiaomei", "alice")
    texts, _ = run(ActionStock(services), tracker(intent="ask_stock", text="有货吗", slots={"current_product": "T001"}))
    assert texts == []


def test_an_action_reads_the_handoff_record_once_a_turn(services: Services, monkeypatch) -> None:
    """Silenced? handed off this turn? already with a person? a wait update due? One read."""
    from actions.chat import ActionUnclear
    from bot.handoff.queue import HandoffQueue
    from bot.handoff.records import HandoffRecords
    from bot.models import HandoffReason
    from tests.integration.actions.test_precision import tracker

    store = services.store
    reads = {"handoff": 0, "read_handoff": 0, "state": 0}
    for name in reads:
        original = getattr(HandoffRecords, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            reads[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(HandoffRecords, name, counted)
    HandoffQueue(store).request("buyer_xiaomei", "buyer_xiaomei", HandoffReason.buyer_asked)
    reads.update(handoff=0, read_handoff=0, state=0)
    texts, _ = run(ActionUnclear(services), tracker("那个咋整的啊", "nlu_fallback", confidence=0.35))
    assert "人工" in " ".join(texts)  # the promise of a person stands (it did read the record)
    assert reads == {"handoff": 0, "read_handoff": 1, "state": 0}  # in the run's snapshot
