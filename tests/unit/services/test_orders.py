"""Order access is per buyer; address changes only before shipping; dispatch from the cut-off."""

from __future__ import annotations

from bot.clock import fixed_clock
from bot.models import OrderStatus
from bot.services.orders import (
    AddressChangeOutcome,
    expected_dispatch,
    find_own_order,
    is_late,
    request_address_change,
)
from tests.conftest import DEMO_NOW
from tests.unit.memory_store import MemoryShopStore


def an_order(demo, status: OrderStatus):
    return next(o for o in demo.orders if o.status is status)


def test_own_order_is_found(store: MemoryShopStore, demo) -> None:
    order = demo.orders[0]
    assert find_own_order(store, order.buyer_id, order.id) == order


def test_someone_elses_order_is_like_an_unknown_one(store: MemoryShopStore, demo) -> None:
    order = demo.orders[0]
    other = next(b.id for b in demo.buyers if b.id != order.buyer_id)
    assert find_own_order(store, other, order.id) is None
    assert find_own_order(store, other, "999999999999") is None


def test_without_an_id_the_latest_order_is_used(store: MemoryShopStore, demo) -> None:
    mine = [o for o in demo.orders if o.buyer_id == "buyer_dawei"]
    latest = max(mine, key=lambda o: o.created_at)
    assert find_own_order(store, "buyer_dawei", None) == latest
    assert find_own_order(store, "buyer_nobody", None) is None


def test_paid_order_dispatch_follows_the_cutoff(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    for order in (o for o in demo.orders if o.status is OrderStatus.paid):
        day = expected_dispatch(order, policy)
        same_day = order.paid_at.hour < policy.same_day_cutoff_hour
        assert (day == order.paid_at.date()) is same_day
    assert expected_dispatch(an_order(demo, OrderStatus.shipped), policy) is None


def test_late_paid_order_is_detected(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    late = [o.id for o in demo.orders if is_late(o, policy, DEMO_NOW)]
    assert late, "the demo shop has a paid order past its dispatch day"
    assert all(store.order(i).status is OrderStatus.paid for i in late)


def test_address_change_recorded_before_shipping_only(store: MemoryShopStore, demo) -> None:
    clock = fixed_clock(DEMO_NOW)
    paid = an_order(demo, OrderStatus.paid)
    change = request_address_change(store, paid, "conv-1", "改到杭州市西湖区", clock)
    assert change.outcome is AddressChangeOutcome.recorded
    recorded = store.requests("address_change")
    assert [(r.order_id, r.conversation_id, r.details["new_address"]) for r in recorded] == [
        (paid.id, "conv-1", "改到杭州市西湖区")
    ]
    shipped = an_order(demo, OrderStatus.shipped)
    assert request_address_change(store, shipped, "conv-1", "x", clock).outcome is AddressChangeOutcome.already_shipped
    assert len(store.requests("address_change")) == 1


def test_without_an_id_the_preferred_status_wins(store: MemoryShopStore, demo) -> None:
    mine = [o for o in demo.orders if o.buyer_id == "buyer_dawei"]
    latest_shipped = max((o for o in mine if o.status is OrderStatus.shipped), key=lambda o: o.created_at)
    assert find_own_order(store, "buyer_dawei", None, (OrderStatus.shipped, OrderStatus.paid)) == latest_shipped
    nothing_returned = [o for o in mine if o.status is OrderStatus.returned] == []
    fallback = find_own_order(store, "buyer_dawei", None, (OrderStatus.returned,))
    assert nothing_returned and fallback == max(mine, key=lambda o: o.created_at)
