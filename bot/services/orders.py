"""Order questions, only ever about the chatting buyer's own orders."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Dict, Optional, Sequence, Tuple

from bot.clock import Clock
from bot.models import Order, OrderStatus, Policy, RequestKind, ShopRequest
from bot.services.ports import ShopReader, ShopRecorder
from bot.services.shipping import dispatch_day

# Without an order id, which of the buyer's orders a question most likely means.
PARCEL_QUESTION: Tuple[OrderStatus, ...] = (OrderStatus.shipped, OrderStatus.paid)
ADDRESS_CHANGE: Tuple[OrderStatus, ...] = (OrderStatus.paid, OrderStatus.unpaid, OrderStatus.shipped)
AFTER_SALES: Tuple[OrderStatus, ...] = (OrderStatus.delivered, OrderStatus.shipped)


def find_own_order(
    store: ShopReader, buyer_id: str, order_id: Optional[str], prefer: Sequence[OrderStatus] = ()
) -> Optional[Order]:
    """The buyer's order `order_id`; without an id, their latest order in the first `prefer`red
    status that has one (a parcel question means the shipped order, a return the delivered one),
    else their latest order.

    Another buyer's order is indistinguishable from an unknown one, so ids cannot be probed.
    """
    if order_id:
        order = store.order(order_id)
        return order if order is not None and order.buyer_id == buyer_id else None
    orders = store.orders_of(buyer_id)  # newest first
    for status in prefer:
        match = next((o for o in orders if o.status is status), None)
        if match:
            return match
    return orders[0] if orders else None


def item_names(store: ShopReader, order: Order) -> Dict[str, str]:
    """Each SKU of the order with its product's name; a SKU the shop no longer has keeps its code."""
    names: Dict[str, str] = {}
    for item in order.items:
        product = store.product(item.sku)
        names[item.sku] = product.name if product else item.sku
    return names


def expected_dispatch(order: Order, policy: Policy) -> Optional[date]:
    if order.status is OrderStatus.paid and order.paid_at is not None:
        return dispatch_day(policy, order.paid_at)
    return None


_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_AREA_PARTS = ("省", "市", "区", "县", "镇", "乡")
# Parts only a real address has: "省市区都填错了" names areas but is a question about one.
_STREET_PARTS = ("路", "街", "号", "栋", "幢", "单元", "室", "村", "小区", "弄", "巷")


def looks_like_address(text: str) -> bool:
    """A pasted address ("浙江省杭州市西湖区文三路90号 张三 13800000000"), not a question about one."""
    street = sum(part in text for part in _STREET_PARTS)
    area = sum(part in text for part in _AREA_PARTS)
    if _MOBILE.search(text):
        return street + area >= 1
    return street >= 1 and street + area >= 3


class AddressChangeOutcome(str, Enum):
    recorded = "recorded"
    address_received = "address_received"  # recorded, with the new address itself
    already_shipped = "already_shipped"
    closed = "closed"  # delivered or returned


@dataclass(frozen=True)
class AddressChange:
    outcome: AddressChangeOutcome
    order: Order


def record_order_request(
    store: ShopRecorder,
    kind: RequestKind,
    order: Order,
    conversation_id: str,
    reason: str,
    details: Dict[str, str],
    clock: Clock,
) -> None:
    """Record, for the shop's people, something to do about one of the buyer's orders."""
    store.record_request(
        ShopRequest(
            kind=kind,
            conversation_id=conversation_id,
            buyer_id=order.buyer_id,
            order_id=order.id,
            reason=reason,
            details=details,
            created_at=clock(),
        )
    )


def request_address_change(
    store: ShopRecorder, order: Order, conversation_id: str, new_address: str, clock: Clock
) -> AddressChange:
    """Before shipping the change is recorded for the shop; after, say what can be done."""
    if order.status in (OrderStatus.unpaid, OrderStatus.paid):
        received = looks_like_address(new_address)
        reason = "buyer sent the new address" if received else "buyer asked to change the address"
        details = {"new_address": new_address} if new_address else {}
        record_order_request(store, RequestKind.address_change, order, conversation_id, reason, details, clock)
        outcome = AddressChangeOutcome.address_received if received else AddressChangeOutcome.recorded
        return AddressChange(outcome, order)
    if order.status is OrderStatus.shipped:
        return AddressChange(AddressChangeOutcome.already_shipped, order)
    return AddressChange(AddressChangeOutcome.closed, order)


def is_late(order: Order, policy: Policy, now: datetime) -> bool:
    """A paid order whose dispatch day has passed without shipping."""
    day = expected_dispatch(order, policy)
    return day is not None and now.date() > day


# Orders a buyer can still cancel before anything ships, newest first in this order of preference.
CANCELLABLE: Tuple[OrderStatus, ...] = (OrderStatus.unpaid, OrderStatus.paid)


def order_to_cancel(store: ShopReader, buyer_id: str, order_id: Optional[str]) -> Optional[Order]:
    """The order a cancel request means: the one named if it can still be cancelled, else the
    buyer's newest unpaid, else newest paid-not-shipped one. Never a shipped order: refusing or
    returning that is another matter (a cancel must not touch the parcel on its way)."""
    if order_id:
        order = find_own_order(store, buyer_id, order_id)
        return order if order is not None and order.status in CANCELLABLE else None
    return next((o for status in CANCELLABLE for o in store.orders_of(buyer_id) if o.status is status), None)


def request_cancel(store: ShopRecorder, order: Order, conversation_id: str, words: str, clock: Clock) -> None:
    """Record a confirmed cancel for the shop (an unpaid order lapses; a paid one is refunded)."""
    reason = "buyer confirmed the cancel" + (" (paid: refund)" if order.status is OrderStatus.paid else "")
    record_order_request(store, RequestKind.cancel, order, conversation_id, reason, {"buyer_said": words[:500]}, clock)


# A delivery instruction is about the parcel still to come: on its way first, then to be shipped.
TO_BE_DELIVERED: Tuple[OrderStatus, ...] = (OrderStatus.shipped, OrderStatus.paid, OrderStatus.unpaid)


def record_delivery_note(
    store: ShopRecorder, buyer_id: str, order_id: Optional[str], conversation_id: str, words: str, clock: Clock
) -> Optional[Order]:
    """Note the buyer's instruction on the order it is about (the one named, else the one still
    to arrive); None when no order of theirs is still to be delivered."""
    order = find_own_order(store, buyer_id, order_id, TO_BE_DELIVERED)
    if order is None or order.status not in TO_BE_DELIVERED:
        return None
    reason = "delivery instruction for the order's note"
    record_order_request(store, RequestKind.delivery_note, order, conversation_id, reason, {"note": words[:300]}, clock)
    return order
