"""The complaint report for the factory: per item, what buyers complained of, in their words.

Reasons are read from the buyer's recorded words each time the report is made, with the reason
lexicon (data/lexicon/complaint_reasons.yml, and the shop's own `policy.complaint_reasons` first),
so a reason the shop adds later also sorts the complaints it already has. Nothing is invented: a
complaint whose words match no reason counts as 其他质量问题.

The share is of received orders that drew a complaint, not complaints ÷ orders: one buyer may
complain three times, or complain before the parcel is signed for, so that ratio can pass 100%
("占 5900%") and means nothing. A received order drew a complaint when its buyer complained of the
item naming that order or no order at all; with no received orders there is no share.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from bot.models import Model, Order, OrderStatus, RequestKind, ShopRequest
from bot.settings import PROJECT_ROOT
from bot.store import ShopStore

LEXICON = PROJECT_ROOT / "data" / "lexicon" / "complaint_reasons.yml"
OTHER = "其他质量问题"
RECEIVED = (OrderStatus.delivered, OrderStatus.returned)
NO_ITEM = "-"  # complaints that named no item we could tell


@lru_cache(maxsize=1)
def default_reasons() -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    raw = yaml.safe_load(LEXICON.read_text(encoding="utf-8")) or {}
    return tuple((str(reason), tuple(str(w) for w in words)) for reason, words in raw.items())


def complaint_reason(text: str, shop_reasons: Mapping[str, Sequence[str]] = {}) -> str:
    """The first reason whose words appear in the buyer's text (the shop's own first)."""
    for reason, words in (*shop_reasons.items(), *default_reasons()):
        if any(word and word in text for word in words):
            return reason
    return OTHER


class Quote(Model):
    at: datetime
    buyer_id: str
    order_id: Optional[str] = None
    reason: str
    words: str


class ItemComplaints(Model):
    sku: str
    name: str
    complaints: int
    by_reason: Dict[str, int]
    by_reason_orders: Dict[str, int]  # reason -> received orders that drew a complaint of it
    received_orders: int  # delivered or returned orders holding the item
    complained_orders: int  # of those, the ones that drew a complaint of the item
    share_of_received: Optional[float]  # complained ÷ received orders (≤ 1); None without received orders
    latest: List[Quote]
    by_week: Dict[str, int]  # ISO week (2026-W47) -> complaints, oldest first, empty weeks included


class ComplaintReport(Model):
    made_at: datetime
    weeks: int
    items: List[ItemComplaints]


def _week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def complaint_report(store: ShopStore, now: datetime, weeks: int = 8, latest: int = 3) -> ComplaintReport:
    shop_reasons = store.shop().policy.complaint_reasons
    complaints = store.requests(RequestKind.quality_complaint.value)
    received: Dict[str, List[Order]] = {}
    for order in store.orders():
        if order.status in RECEIVED:
            for sku in {item.sku for item in order.items}:
                received.setdefault(sku, []).append(order)
    week_keys = [_week(now - timedelta(weeks=n)) for n in reversed(range(weeks))]
    by_item: Dict[str, List[ShopRequest]] = {}
    for complaint in complaints:
        by_item.setdefault(complaint.sku or NO_ITEM, []).append(complaint)
    items = []
    for sku, found in by_item.items():
        product = store.product(sku) if sku != NO_ITEM else None
        reasons = [complaint_reason(c.reason, shop_reasons) for c in found]
        weekly = Counter(_week(c.created_at) for c in found)
        newest = sorted(zip(found, reasons), key=lambda pair: pair[0].created_at, reverse=True)[:latest]
        orders = received.get(sku, [])
        complained = _complained(orders, found)
        items.append(
            ItemComplaints(
                sku=sku,
                name=product.name if product else ("没说是哪件商品" if sku == NO_ITEM else sku),
                complaints=len(found),
                by_reason=dict(Counter(reasons).most_common()),
                received_orders=len(orders),
                complained_orders=complained,
                share_of_received=round(complained / len(orders), 4) if orders else None,
                by_reason_orders={r: _complained(orders, [c for c, cr in zip(found, reasons) if cr == r]) for r in set(reasons)},
                latest=[
                    Quote(at=c.created_at, buyer_id=c.buyer_id, order_id=c.order_id, reason=r, words=c.reason) for c, r in newest
                ],
                by_week={week: weekly[week] for week in week_keys},
            )
        )
    items.sort(key=lambda item: (-item.complaints, item.sku))
    return ComplaintReport(made_at=now, weeks=weeks, items=items)


def _complained(received: List[Order], complaints: List[ShopRequest]) -> int:
    """How many of the item's received orders drew one of `complaints` (see the module's doc)."""
    return sum(any(c.buyer_id == order.buyer_id and c.order_id in (None, order.id) for c in complaints) for order in received)


def report_rows(report: ComplaintReport) -> List[List[str]]:
    """One CSV row per item and reason (what a factory's spreadsheet wants)."""
    rows = [["sku", "item", "reason", "complaints", "received_orders", "share_of_received", "latest_words"]]
    for item in report.items:
        for reason, count in item.by_reason.items():
            words = " | ".join(q.words for q in item.latest if q.reason == reason)
            orders = item.by_reason_orders.get(reason, 0)
            share = "" if not item.received_orders else f"{orders / item.received_orders:.4f}"
            rows.append([item.sku, item.name, reason, str(count), str(item.received_orders), share, words])
    return rows
