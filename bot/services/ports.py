"""What the rule services need of a shop's records: the seam below them.

The Redis `bot.store.ShopStore` satisfies both protocols (mypy checks it at every call, and
tests/unit/test_ports.py checks the signatures); the unit tests pass a small in-memory store
(tests/unit/memory_store.py) instead, so the rules run without Redis.
"""

from __future__ import annotations

from typing import List, Optional, Protocol

from bot.models import Buyer, Order, Product, Shop, ShopRequest


class ShopReader(Protocol):
    """The shop's data as the rules read it."""

    def shop(self) -> Shop: ...

    def product(self, sku: str) -> Optional[Product]: ...

    def products(self) -> List[Product]: ...

    def sku_for_name(self, name: str) -> Optional[str]: ...

    def buyer(self, buyer_id: str) -> Optional[Buyer]: ...

    def order(self, order_id: str) -> Optional[Order]: ...

    def orders_of(self, buyer_id: str) -> List[Order]: ...


class ShopRecorder(ShopReader, Protocol):
    """The reads, and what a rule records for the shop's people."""

    def record_request(self, request: ShopRequest) -> str: ...

    def count_complaint(self, sku: str, reason: str) -> int: ...
