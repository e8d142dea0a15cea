"""Returns within the window and exclusions; complaints recorded and counted per item, and what they are about."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import fixed_clock
from bot.models import OrderStatus
from bot.services.aftersales import (
    ReturnOutcome,
    complaint_category,
    complaint_subject,
    record_quality_complaint,
    request_return,
)
from bot.services.orders import AFTER_SALES
from tests.conftest import DEMO_NOW
from tests.unit.memory_store import MemoryShopStore


def test_return_within_window_is_recorded(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    clock = fixed_clock(DEMO_NOW)
    recent = next(
        o
        for o in demo.orders
        if o.status is OrderStatus.delivered
        and DEMO_NOW - o.delivered_at < timedelta(days=policy.return_window_days - 1)
        and all(store.product(i.sku).category not in policy.no_reason_return_excluded_categories for i in o.items)
    )
    decision = request_return(store, policy, recent, recent.buyer_id, "不喜欢想退", clock)
    assert decision.outcome is ReturnOutcome.recorded
    assert decision.deadline == (recent.delivered_at + timedelta(days=policy.return_window_days)).date()
    assert [r.order_id for r in store.requests("return_exchange")] == [recent.id]


def test_return_after_window_is_refused_and_not_recorded(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    old = next(
        o
        for o in demo.orders
        if o.status is OrderStatus.delivered and (DEMO_NOW.date() - o.delivered_at.date()).days > policy.return_window_days
    )
    decision = request_return(store, policy, old, old.buyer_id, "想退", fixed_clock(DEMO_NOW))
    assert decision.outcome is ReturnOutcome.window_passed
    assert store.requests("return_exchange") == []


def test_excluded_category_is_named(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    mixed = next(
        o
        for o in demo.orders
        if any(store.product(i.sku).category in policy.no_reason_return_excluded_categories for i in o.items)
        and o.status is OrderStatus.delivered
    )
    decision = request_return(store, policy, mixed, mixed.buyer_id, "退货", fixed_clock(DEMO_NOW))
    excluded_names = {
        store.product(i.sku).name
        for i in mixed.items
        if store.product(i.sku).category in policy.no_reason_return_excluded_categories
    }
    assert set(decision.excluded_items) == excluded_names


def test_paid_unshipped_order_becomes_a_cancel_request(store: MemoryShopStore, demo) -> None:
    paid = next(o for o in demo.orders if o.status is OrderStatus.paid)
    decision = request_return(store, store.shop().policy, paid, paid.buyer_id, "不要了", fixed_clock(DEMO_NOW))
    assert decision.outcome is ReturnOutcome.cancel_recorded


def test_complaints_are_counted_per_item_and_reason(store: MemoryShopStore, demo) -> None:
    tee = store.product("T001")
    clock = fixed_clock(DEMO_NOW)
    first = record_quality_complaint(store, "buyer_xiaomei", "c1", "衣服有好多线头", tee, None, clock)
    second = record_quality_complaint(store, "buyer_lili", "c2", "线头太多了", tee, None, clock)
    record_quality_complaint(store, "buyer_lili", "c2", "洗了掉色", tee, None, clock)
    assert (first.times_reported, second.times_reported) == (1, 2)
    assert store.complaint_counts("T001") == {"线头/做工": 2, "掉色": 1}
    assert len(store.requests("quality_complaint")) == 3


def test_complaint_category_falls_back_to_other() -> None:
    assert complaint_category("不太满意") == "其他质量问题"


def test_a_complaint_about_a_browsed_item_is_about_the_received_parcel(store: MemoryShopStore, demo) -> None:
    # xiaomei is looking at the fan, which she never received: her latest received parcel, its item.
    fan = store.product("F001")
    order, product = complaint_subject(store, "buyer_xiaomei", None, fan, named=False)
    assert order is not None and order.status in AFTER_SALES and not order.holds("F001")
    assert product is not None and order.holds(product.sku)


def test_a_named_item_never_received_is_the_complaint_without_an_order(store: MemoryShopStore, demo) -> None:
    fan = store.product("F001")
    assert complaint_subject(store, "buyer_xiaomei", None, fan, named=True) == (None, fan)


def test_a_complaint_names_only_the_buyers_own_order(store: MemoryShopStore, demo) -> None:
    other = next(o for o in demo.orders if o.buyer_id != "buyer_xiaomei")
    fan = store.product("F001")
    assert complaint_subject(store, "buyer_xiaomei", other.id, fan, named=False) == (None, fan)
