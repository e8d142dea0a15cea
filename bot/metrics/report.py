"""The owner's numbers for a period, read from the hourly counters (never from the trackers)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Dict, List, Optional, Tuple

import redis
from pydantic import BaseModel

from bot.knowledge.records import KnowledgeRecords
from bot.labels import intent_label, product_label, reason_label
from bot.metrics.answers import AnswerStats, answer_stats
from bot.metrics.fold import as_text, hours_between
from bot.models import HandoffReason
from bot.outreach.records import OutreachRecords
from bot.store import MetricsKeys, ShopStore

TOP = 10
PAID_AFTER_REMINDER = timedelta(hours=24)  # a 催付 converts when the order is paid this soon after it


class Period(BaseModel):
    """One hour or one day of the series the dashboard draws."""

    start: datetime
    conversations: int = 0
    buyer_messages: int = 0
    handed_off: int = 0
    not_understood: int = 0
    auto_reply_rate: Optional[float] = None


class Counted(BaseModel):
    """One slice of a breakdown: the stable name (a reason, an intent, a SKU) and what people read."""

    key: str
    label: str
    count: int


class Metrics(BaseModel):
    since: datetime
    until: datetime
    conversations: int
    buyer_messages: int
    auto_replied: int
    auto_reply_rate: Optional[float]
    handoffs: int
    handoff_rate: Optional[float]
    handoff_reasons: List[Counted]  # one per reason, most frequent first
    first_reply_ms_p50: Optional[int]
    first_reply_ms_p95: Optional[int]
    not_understood: int
    not_understood_rate: Optional[float]  # of buyer messages
    top_not_understood: List[Tuple[str, int]]
    csat: Optional[float]  # share of follow-up answers that were satisfied; None until one came
    csat_responses: int
    conversions: int
    conversion_rate: Optional[float]
    conversion_window_hours: int
    unpaid_reminded: int  # 催付 reminders sent in the period
    unpaid_paid_within_24h: int  # of those orders, paid within 24 h of the reminder
    unpaid_reminder_conversion: Optional[float]
    top_intents: List[Counted]
    top_items: List[Counted]  # label: the product's name with its SKU beside it
    answers: List[AnswerStats]  # what each knowledge entry and intent earns
    peak_hour: Optional[datetime]
    hours: List[Period]
    days: List[Period]


def _rate(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def _percentile(values: List[int], share: float) -> Optional[int]:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


def _top(counter: Counter) -> List[Tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]


def _finish(period: Period) -> Period:
    period.auto_reply_rate = _rate(period.conversations - period.handed_off, period.conversations)
    return period


def report(
    client: redis.Redis,
    store: ShopStore,
    since: datetime,
    until: datetime,
    shop_tz: tzinfo,
    keys: MetricsKeys = MetricsKeys(),
) -> Metrics:
    hours = hours_between(since, until)
    pipe = client.pipeline(transaction=False)
    for hour in hours:
        pipe.hgetall(keys.hour(hour))
        pipe.lrange(keys.first_reply(hour), 0, -1)
        pipe.hgetall(keys.unclear(hour))
    replies = pipe.execute()
    totals: Counter = Counter()
    first_replies: List[int] = []
    unclear: Counter = Counter()
    series: List[Period] = []
    days: Dict[str, Period] = {}
    for n, hour in enumerate(hours):
        counts = Counter({as_text(k): int(v) for k, v in replies[3 * n].items()})
        first_replies += [int(v) for v in replies[3 * n + 1]]
        unclear.update({as_text(k): int(v) for k, v in replies[3 * n + 2].items()})
        totals.update(counts)
        start = datetime.strptime(hour, "%Y%m%d%H").replace(tzinfo=timezone.utc).astimezone(shop_tz)
        row = {name: counts[name] for name in ("conversations", "buyer_messages", "handed_off", "not_understood")}
        series.append(_finish(Period(start=start, **row)))
        day = days.setdefault(start.date().isoformat(), Period(start=start.replace(hour=0)))
        for name, value in row.items():
            setattr(day, name, getattr(day, name) + value)
    conversations, handoffs = totals["conversations"], totals["handed_off"]
    window = store.shop().policy.conversion_window_hours
    conversions = _conversions(client, store, since, until, timedelta(hours=window), keys)
    reminded, paid = _unpaid_reminders(store, since, until)
    busiest = max(series, key=lambda p: p.buyer_messages, default=None)
    return Metrics(
        since=since,
        until=until,
        conversations=conversations,
        buyer_messages=totals["buyer_messages"],
        auto_replied=conversations - handoffs,
        auto_reply_rate=_rate(conversations - handoffs, conversations),
        handoffs=handoffs,
        handoff_rate=_rate(handoffs, conversations),
        handoff_reasons=_reasons(_prefixed(totals, "reason:")),
        first_reply_ms_p50=_percentile(first_replies, 0.5),
        first_reply_ms_p95=_percentile(first_replies, 0.95),
        not_understood=totals["not_understood"],
        not_understood_rate=_rate(totals["not_understood"], totals["buyer_messages"]),
        top_not_understood=_top(unclear),
        csat=_rate(totals["csat_satisfied"], totals["csat_responses"]),
        csat_responses=totals["csat_responses"],
        conversions=conversions,
        conversion_rate=_rate(conversions, conversations),
        conversion_window_hours=window,
        unpaid_reminded=reminded,
        unpaid_paid_within_24h=paid,
        unpaid_reminder_conversion=_rate(paid, reminded),
        top_intents=[Counted(key=i, label=intent_label(i), count=n) for i, n in _top(_prefixed(totals, "intent:"))],
        top_items=[Counted(key=sku, label=_product_name(store, sku), count=n) for sku, n in _top(_prefixed(totals, "item:"))],
        answers=answer_stats(totals, KnowledgeRecords(client, store.shop_id).entries()),
        peak_hour=busiest.start if busiest and busiest.buyer_messages else None,
        hours=series,
        days=[_finish(day) for day in days.values()],
    )


def _reasons(counts: Counter) -> List[Counted]:
    """One slice per reason: counters written before reasons were typed hold free text (some with
    an order id in it), read here as the reason they were."""
    merged: Counter = Counter()
    for text, n in counts.items():
        merged[HandoffReason.read(text).value] += n
    return [Counted(key=r, label=reason_label(r), count=n) for r, n in sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))]


def _product_name(store: ShopStore, sku: str) -> str:
    product = store.product(sku)
    return product_label(sku, product.name if product else None)


def _prefixed(totals: Counter, prefix: str) -> Counter:
    return Counter({k[len(prefix) :]: v for k, v in totals.items() if k.startswith(prefix)})


def _conversions(
    client: redis.Redis, store: ShopStore, since: datetime, until: datetime, window: timedelta, keys: MetricsKeys
) -> int:
    """Conversations of the period whose buyer placed an order within `window` of their start."""
    members = client.zrangebyscore(keys.conversations, since.timestamp(), f"({until.timestamp()}")
    converted = 0
    orders_by_buyer: Dict[str, List[float]] = {}
    for member in members:
        buyer, _, start = as_text(member).rpartition("|")
        if buyer not in orders_by_buyer:
            orders_by_buyer[buyer] = [o.created_at.timestamp() for o in store.orders_of(buyer)]
        begin = float(start)
        if any(begin <= placed <= begin + window.total_seconds() for placed in orders_by_buyer[buyer]):
            converted += 1
    return converted


def _unpaid_reminders(store: ShopStore, since: datetime, until: datetime) -> Tuple[int, int]:
    """催付 reminders sent in the period, and how many of their orders were paid within 24 h after
    one (paid before it, the import only came late: not the reminder's doing)."""
    reminders = OutreachRecords(store.client, store.shop_id).reminded_between(since, until)
    paid = 0
    for order_id, at in reminders:
        order = store.order(order_id)
        if order is not None and order.paid_at is not None and at <= order.paid_at <= at + PAID_AFTER_REMINDER:
            paid += 1
    return len(reminders), paid
