"""Who is a returning customer, by the shop's own rule."""

from __future__ import annotations

from typing import Optional

from bot.models import Buyer, Policy


def is_returning(buyer: Optional[Buyer], policy: Policy) -> bool:
    if buyer is None:
        return False
    perks = policy.returning_customer
    return perks.tag in buyer.tags or buyer.past_orders >= perks.min_past_orders
