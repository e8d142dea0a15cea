"""A shop's records in memory, behind bot.services.ports (what the rule services read and record),
for the unit tests: the same answers as the Redis ShopStore, without Redis."""

from __future__ import annotations

from collections import Counter
from typing import Dict, List, Optional

from bot.models import Buyer, Order, Product, Shop, ShopData, ShopRequest


class MemoryShopStore:
    def __init__(self, data: ShopData) -> None:
        self.shop_id = data.shop.id
        self._shop = data.shop
        self._products: Dict[str, Product] = {p.sku: p for p in data.products}
        self._names = {name.strip().lower(): p.sku for p in data.products for name in (p.name, *p.aliases)}
        self._buyers: Dict[str, Buyer] = {b.id: b for b in data.buyers}
        self._orders: Dict[str, Order] = {o.id: o for o in data.orders}
        self._requests: List[ShopRequest] = []
        self._complaints: Dict[str, Counter] = {}

    # -- bot.services.ports.ShopReader ------------------------------------------------------
    def shop(self) -> Shop:
        return self._shop

    def product(self, sku: str) -> Optional[Product]:
        return self._products.get(sku)

    def products(self) -> List[Product]:
        return [self._products[sku] for sku in sorted(self._products)]

    def sku_for_name(self, name: str) -> Optional[str]:
        return self._names.get(name.strip().lower())

    def buyer(self, buyer_id: str) -> Optional[Buyer]:
        return self._buyers.get(buyer_id)

    def order(self, order_id: str) -> Optional[Order]:
        return self._orders.get(order_id)

    def orders_of(self, buyer_id: str) -> List[Order]:
        orders = [o for o in self._orders.values() if o.buyer_id == buyer_id]
        return sorted(orders, key=lambda o: o.created_at, reverse=True)

    # -- bot.services.ports.ShopRecorder ----------------------------------------------------
    def record_request(self, request: ShopRequest) -> str:
        self._requests.append(request)
        return f"0-{len(self._requests)}"

    def count_complaint(self, sku: str, reason: str) -> int:
        counts = self._complaints.setdefault(sku, Counter())
        counts[reason] += 1
        return counts[reason]

    # -- what the tests read back (as ShopStore has them) -----------------------------------
    def requests(self, kind: Optional[str] = None) -> List[ShopRequest]:
        return [r for r in self._requests if kind is None or r.kind.value == kind]

    def complaint_counts(self, sku: str) -> dict:
        return dict(self._complaints.get(sku, {}))
