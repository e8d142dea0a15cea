"""Returns, exchanges and quality complaints, recorded for the shop's people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Dict, List, Optional, Sequence, Tuple

from bot.clock import Clock
from bot.models import Order, OrderStatus, Policy, Product, RequestKind, ShopRequest
from bot.services.complaints import complaint_reason
from bot.services.orders import AFTER_SALES, find_own_order, record_order_request
from bot.services.ports import ShopReader, ShopRecorder


class ReturnOutcome(str, Enum):
    recorded = "recorded"  # within the window: a return/exchange request is recorded
    cancel_recorded = "cancel_recorded"  # paid, not shipped: a cancel/refund request is recorded
    unpaid = "unpaid"  # nothing to refund: an unpaid order simply lapses
    in_transit = "in_transit"  # shipped: can refuse the parcel or return after receipt
    window_passed = "window_passed"
    excluded = "excluded"  # the item's category is excluded from no-reason returns
    already_returned = "already_returned"


@dataclass(frozen=True)
class ReturnDecision:
    outcome: ReturnOutcome
    order: Order
    window_days: int
    deadline: Optional[date] = None
    excluded_items: Sequence[str] = ()


def request_return(
    store: ShopRecorder,
    policy: Policy,
    order: Order,
    conversation_id: str,
    reason: str,
    clock: Clock,
) -> ReturnDecision:
    now = clock()
    window = policy.return_window_days

    def record(kind_reason: str) -> None:
        details = {"buyer_said": reason[:500]}
        record_order_request(store, RequestKind.return_exchange, order, conversation_id, kind_reason, details, clock)

    if order.status is OrderStatus.returned:
        return ReturnDecision(ReturnOutcome.already_returned, order, window)
    if order.status is OrderStatus.unpaid:
        return ReturnDecision(ReturnOutcome.unpaid, order, window)
    if order.status is OrderStatus.paid:
        record("cancel before shipping")
        return ReturnDecision(ReturnOutcome.cancel_recorded, order, window)
    if order.status is OrderStatus.shipped:
        return ReturnDecision(ReturnOutcome.in_transit, order, window)
    assert order.delivered_at is not None  # bot/models/orders.py requires it of a delivered order
    deadline = (order.delivered_at + timedelta(days=window)).date()
    if now.date() > deadline:
        return ReturnDecision(ReturnOutcome.window_passed, order, window, deadline)
    excluded = []
    for item in order.items:
        product = store.product(item.sku)
        if product and product.category in policy.no_reason_return_excluded_categories:
            excluded.append(product.name)
    if excluded and len(excluded) == len(order.items):
        return ReturnDecision(ReturnOutcome.excluded, order, window, deadline, excluded)
    record("return or exchange within the window")
    return ReturnDecision(ReturnOutcome.recorded, order, window, deadline, excluded)


def complaint_subject(
    store: ShopReader, buyer_id: str, order_id: Optional[str], product: Optional[Product], named: bool
) -> Tuple[Optional[Order], Optional[Product]]:
    """The received order and item a complaint is about; never an item that order does not hold.

    `product` is the chat's item (named, the page being browsed, or the current one); `named`: the
    buyer's message names it."""
    if order_id:
        order = find_own_order(store, buyer_id, order_id, AFTER_SALES)
        return order, (item_of(store, order, product) if order else product)
    if product is not None:
        received = next(
            (o for o in store.orders_of(buyer_id) if o.status in AFTER_SALES and o.holds(product.sku)),
            None,
        )
        if received is not None or named:
            return received, product  # the buyer named it, even if we have no order of it
    # Only the page they are browsing, which they have not received: their latest parcel, if any.
    order = find_own_order(store, buyer_id, None, AFTER_SALES)
    if order is None or order.status not in AFTER_SALES:  # nothing received yet
        return None, product
    return order, item_of(store, order, None)


def item_of(store: ShopReader, order: Order, product: Optional[Product]) -> Optional[Product]:
    if product is not None and order.holds(product.sku):
        return product
    return store.product(order.items[0].sku)  # an order holds at least one item


@dataclass(frozen=True)
class ComplaintRecord:
    sku: Optional[str]
    product_name: Optional[str]
    times_reported: int  # how often this reason was reported for this item, this one included


def record_quality_complaint(
    store: ShopRecorder,
    buyer_id: str,
    conversation_id: str,
    reason: str,
    product: Optional[Product],
    order: Optional[Order],
    clock: Clock,
) -> ComplaintRecord:
    """Record the complaint for follow-up and count its reason against the item."""
    sku = product.sku if product else (order.items[0].sku if order else None)
    store.record_request(
        ShopRequest(
            kind=RequestKind.quality_complaint,
            conversation_id=conversation_id,
            buyer_id=buyer_id,
            order_id=order.id if order else None,
            sku=sku,
            reason=reason[:500],
            created_at=clock(),
        )
    )
    times = store.count_complaint(sku, complaint_category(reason, store.shop().policy.complaint_reasons)) if sku else 0
    if product is None and sku:
        product = store.product(sku)
    name = product.name if product else None
    return ComplaintRecord(sku=sku, product_name=name, times_reported=times)


def complaint_category(text: str, shop_reasons: Optional[Dict[str, List[str]]] = None) -> str:
    """A coarse reason so the shop can count problems per item (what agents bring to the factory):
    the reason lexicon (bot.services.complaints), the shop's own reasons first."""
    return complaint_reason(text, shop_reasons or {})
