"""The record of 催付 reminders sent (keys in bot/store.py's table): which orders were reminded
and when, for the per-buyer daily cap and the owner's 催付 conversion."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import List, Tuple

from bot.store import ShopStore, shop_key

KEEP_SECONDS = 400 * 86400  # as long as the send keys: a year of conversion numbers


def record(store: ShopStore, order_id: str, buyer_id: str, at: datetime) -> None:
    """Idempotent: a delivery taken over after a crash keeps the order's first reminder time."""
    shop_wide, of_buyer = shop_key(store.shop_id, "unpaid_reminders"), shop_key(store.shop_id, "unpaid_reminded", buyer_id)
    pipe = store.client.pipeline(transaction=True)
    pipe.zadd(shop_wide, {order_id: at.timestamp()}, nx=True)
    pipe.zadd(of_buyer, {order_id: at.timestamp()}, nx=True)
    pipe.zremrangebyscore(of_buyer, "-inf", at.timestamp() - 2 * 86400)  # only today's count matters
    pipe.expire(of_buyer, 2 * 86400)
    pipe.zremrangebyscore(shop_wide, "-inf", at.timestamp() - KEEP_SECONDS)
    pipe.execute()


def reminded_since(store: ShopStore, buyer_id: str, since: datetime) -> int:
    return int(store.client.zcount(shop_key(store.shop_id, "unpaid_reminded", buyer_id), since.timestamp(), "+inf"))


def reminded_between(store: ShopStore, since: datetime, until: datetime) -> List[Tuple[str, datetime]]:
    """(order id, when reminded) of the reminders sent in [since, until)."""
    found = store.client.zrangebyscore(
        shop_key(store.shop_id, "unpaid_reminders"), since.timestamp(), f"({until.timestamp()}", withscores=True,
    )
    return [(str(order_id), datetime.fromtimestamp(score, timezone.utc)) for order_id, score in found]
