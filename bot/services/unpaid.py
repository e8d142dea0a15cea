"""催付: which unpaid orders are due one friendly reminder, and the facts it may truthfully state.
Pure rules; the outreach schedule (bot/outreach/scheduler.py) sends it, bot/replies/outreach.py words it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Optional

from bot.models import Buyer, Model, Order, OrderStatus, Policy, Product
from bot.services.shipping import FeeReason, dispatch_day, quote

# The platform closes an order left unpaid this long (Taobao's default): no reminder after it.
UNPAID_ORDER_LAPSES_HOURS = 24
MAX_REMINDERS_A_DAY = 2  # per buyer, however many orders they left unpaid
# "Only N left" is said when the ordered colour and size has at most this many in stock (the
# exact count from the shop's data, never a vaguer "almost gone").
LOW_STOCK_PIECES = 5


def is_due(order: Order, policy: Policy, now: datetime) -> bool:
    """Unpaid, reminders on, its minutes passed, and not lapsed yet (a night order is still due
    the next morning, when the schedule runs again)."""
    minutes = policy.unpaid_reminder_minutes
    if order.status is not OrderStatus.unpaid or not minutes:
        return False
    return order.created_at + timedelta(minutes=minutes) <= now < order.created_at + timedelta(hours=UNPAID_ORDER_LAPSES_HOURS)


class ReminderFacts(Model):
    """What one reminder says: the item, and only what the shop's data makes true."""

    item: str
    other_items: int = 0  # further lines of the order (…等N件宝贝)
    free_shipping: Optional[FeeReason] = None  # threshold_met or returning_customer, else None
    threshold: float
    cutoff_hour: int
    dispatch: date  # the day it ships when paid now
    today: date
    low_stock: Optional[int] = None  # pieces left of the ordered colour and size, when few
    variant: str = ""  # e.g. 黑色M码


def _variant(colour: str, size: str) -> str:
    return f"{colour}{size}" if size.endswith("码") else f"{colour}{size}码"


def reminder_facts(
    order: Order, product: Optional[Product], buyer: Optional[Buyer], policy: Policy, now: datetime
) -> ReminderFacts:
    first = order.items[0]
    items_total = round(sum(i.unit_price * i.quantity for i in order.items), 2)
    shipping = quote(policy, None, order.region, buyer, amount=items_total)
    free = (
        shipping.reason
        if shipping.free
        and order.shipping_fee == 0
        and shipping.reason in (FeeReason.threshold_met, FeeReason.returning_customer)
        else None
    )  # the order's own fee agrees
    left = product.stock_of(first.colour, first.size) if product else None
    low = left if left is not None and 0 < left <= LOW_STOCK_PIECES else None
    return ReminderFacts(
        item=product.name if product else f"订单{order.id}里的宝贝",
        other_items=len(order.items) - 1,
        free_shipping=free,
        threshold=policy.free_shipping_threshold,
        cutoff_hour=policy.same_day_cutoff_hour,
        dispatch=dispatch_day(policy, now),
        today=now.date(),
        low_stock=low,
        variant=_variant(first.colour, first.size) if low else "",
    )
