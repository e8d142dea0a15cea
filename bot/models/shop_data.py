"""Everything one shop data file holds, as `python -m bot load` reads it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import List, Optional

from pydantic import validator

from bot.models.base import Model, require_offset
from bot.models.catalogue import Product
from bot.models.knowledge import KnowledgeEntry
from bot.models.orders import Buyer, Order
from bot.models.shop import Shop


class ShopData(Model):
    """Everything one data file holds."""

    shop: Shop
    products: List[Product] = []
    buyers: List[Buyer] = []
    orders: List[Order] = []
    knowledge: List[KnowledgeEntry] = []
    # The default pack (bot/knowledge/pack.py) comes with every shop unless switched off; entries
    # named here are left out of it, and an entry of `knowledge` with a pack key replaces that one.
    knowledge_pack: bool = True
    knowledge_drop: List[str] = []
    # The moment the file's times describe (a demo's "now"); `load-demo` moves them to today.
    as_of: Optional[datetime] = None

    _as_of_has_offset = validator("as_of", allow_reuse=True)(lambda value: require_offset(value))

    def moved_to(self, now: datetime) -> "ShopData":
        """The same data with every order time moved by whole days so that `as_of`'s day is
        `now`'s day: the orders keep their clock times, the cut-off rule gives them the same
        dispatch days, and so the same one is late. A time that would lie after `now` (early
        on the demo's day) is kept a minute before it."""
        if self.as_of is None:
            return self
        shift = timedelta(days=(now.date() - self.as_of.astimezone(now.tzinfo).date()).days)
        latest = now - timedelta(minutes=1)

        def moved(value: Optional[datetime]) -> Optional[datetime]:
            return None if value is None else min(value + shift, latest)

        orders = [
            order.copy(
                update={name: moved(getattr(order, name)) for name in ("created_at", "paid_at", "shipped_at", "delivered_at")}
            )
            for order in self.orders
        ]
        return self.copy(update={"orders": orders, "as_of": self.as_of + shift})
