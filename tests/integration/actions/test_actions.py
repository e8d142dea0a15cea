"""Actions run against a real Redis with rasa-sdk trackers: thin, but they must wire things right."""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.bargaining import ActionBargain
from actions.base import ShopAction
from actions.chat import ActionGreet, ActionUnclear
from actions.follow_up import ActionFollowUp
from actions.orders import ActionOrderStatus
from actions.products import ActionStock
from bot.context import Services
from bot.replies.format import money


def tracker(
    sender: str = "buyer_xiaomei",
    text: str = "",
    intent: str = "greet",
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    metadata: Optional[Dict[str, Any]] = None,
) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    # The buyer's message as Rasa records it: an action compares a handoff's time with it.
    events = [{"event": "user", "text": text, "timestamp": time.time()}]
    return Tracker(sender, slots or {}, message, events, False, None, {}, "action_listen")


def run(action: ShopAction, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return [m["text"] for m in dispatcher.messages], events


def slot_events(events) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_item_metadata_sets_the_current_product(services: Services) -> None:
    texts, events = run(ActionGreet(services), tracker(metadata={"item_id": "D001"}))
    assert services.store.product("D001").name in texts[0]
    assert slot_events(events)["current_product"] == "D001"


def test_bargain_counts_asks(services: Services) -> None:
    _, events = run(ActionBargain(services), tracker(intent="bargain", slots={"bargain_count": 2, "current_product": "D002"}))
    assert slot_events(events)["bargain_count"] == 3


def test_stock_answer_uses_the_variant_count(services: Services) -> None:
    tee = services.store.product("T001")
    variant = next(v for v in tee.variants if v.stock > 0)
    entities = [{"entity": "colour", "value": variant.colour}, {"entity": "size", "value": variant.size}]
    texts, _ = run(ActionStock(services), tracker(intent="ask_stock", entities=entities, slots={"current_product": "T001"}))
    assert f"库存{variant.stock}件" in texts[0]
    empty = next(v for v in tee.variants if v.stock == 0)
    entities = [{"entity": "colour", "value": empty.colour}, {"entity": "size", "value": empty.size}]
    texts, _ = run(ActionStock(services), tracker(intent="ask_stock", entities=entities, slots={"current_product": "T001"}))
    assert "没货" in texts[0]


def test_unclear_twice_hands_off(services: Services) -> None:
    first, events = run(ActionUnclear(services), tracker(intent="out_of_scope", text="讲个笑话"))
    assert slot_events(events)["unclear_count"] == 1 and "换个说法" not in first[0]
    second, events = run(ActionUnclear(services), tracker(intent="nlu_fallback", text="啊啊", slots={"unclear_count": 1}))
    assert "人工" in second[0]
    assert [r.reason for r in services.store.requests("handoff")] == ["not_understood"]
    # Rasa's core fallback too: one answer, then listen (never predicted again in the same turn)
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "action_listen"}


def test_a_failing_action_hands_off_politely(services: Services, redis_client) -> None:
    redis_client.delete(*redis_client.keys("shop:demo:order:*"))
    redis_client.set("shop:demo:order:261126009914", "{not json")
    redis_client.sadd("shop:demo:buyer_orders:buyer_xiaomei", "261126009914")
    texts, _ = run(ActionOrderStatus(services), tracker(intent="ask_order_status"))
    assert "人工" in texts[0]
    assert services.store.requests("handoff")[0].reason == "action_failed"


def test_follow_up_continues_the_order_topic(services: Services) -> None:
    order = services.store.orders_of("buyer_dawei")[0]
    t = tracker(
        sender="buyer_dawei",
        intent="inform",
        text=order.id,
        entities=[{"entity": "order_id", "value": order.id}],
        slots={"last_topic": "free_shipping", "order_id": order.id},
    )
    texts, _ = run(ActionFollowUp(services), t)
    assert order.id in texts[0]


def test_follow_up_on_region_requotes_shipping(services: Services) -> None:
    policy = services.store.shop().policy
    region = policy.free_shipping_excluded_regions[0]
    t = tracker(
        intent="inform",
        text=region,
        entities=[{"entity": "region", "value": region}],
        slots={"last_topic": "free_shipping", "current_product": "D003", "region": region},
    )
    texts, _ = run(ActionFollowUp(services), t)
    assert region in texts[0] and money(policy.default_courier.fee) in texts[0]


def test_size_form_reads_a_bare_number_for_the_slot_it_asked(services) -> None:
    from actions.sizing import ValidateSizeForm

    form = ValidateSizeForm(services)
    asked_height = tracker(intent="inform", text="165吧", slots={"requested_slot": "height_cm"})
    assert form.extract_height_cm(CollectingDispatcher(), asked_height, {}) == {"height_cm": 165.0}
    asked_weight = tracker(intent="inform", text="110", slots={"requested_slot": "weight_kg"})
    assert form.extract_weight_kg(CollectingDispatcher(), asked_weight, {}) == {"weight_kg": 55.0}
    not_asked = tracker(intent="inform", text="165", slots={"requested_slot": "weight_kg"})
    assert form.extract_height_cm(CollectingDispatcher(), not_asked, {}) == {}


def test_shipping_time_for_a_buyer_with_a_paid_order_names_that_order(services) -> None:
    from actions.shipping import ActionShippingTime

    paid = next(o for o in services.store.orders_of("buyer_dawei") if o.status.value == "paid")
    texts, _ = run(ActionShippingTime(services), tracker(sender="buyer_dawei", intent="ask_shipping_time"))
    assert paid.id in texts[0]
    texts, _ = run(ActionShippingTime(services), tracker(sender="visitor", intent="ask_shipping_time"))
    cutoff = services.store.shop().policy.same_day_cutoff_hour
    assert f"{cutoff}点前付款当天发货" in texts[0]


def test_short_of_free_shipping_the_answer_offers_items_that_close_the_gap(services: Services) -> None:
    from actions.shipping import ActionFreeShipping

    tee = services.store.product("T001")
    texts, _ = run(ActionFreeShipping(services), tracker(intent="ask_free_shipping", text="包邮吗", metadata={"item_id": "T001"}))
    gap = services.store.shop().policy.free_shipping_threshold - tee.price
    assert f"再凑{money(gap)}" in texts[0] and "凑单" in texts[0]
    offered = [p for p in services.store.products() if f"【{p.name}】{money(p.price)}" in texts[0] and p.sku != "T001"]
    assert offered and all(p.price >= gap for p in offered)
