"""The one module that owns every Redis key. Callers get typed models and never build keys.

Layout, all under `shop:{shop_id}:`
  info                     Shop (JSON)
  product:{sku}            Product (JSON)          products        set of skus
  alias                    hash: lower-cased name or alias -> sku
  buyer:{id}               Buyer (JSON)
  order:{id}               Order (JSON)            buyer_orders:{buyer_id}  set of order ids
  requests                 stream of ShopRequest (address changes, returns, complaints, handoffs)
  complaints:{sku}         hash: complaint reason -> count (what the shop takes to the factory)
"""
from __future__ import annotations

from typing import Iterable, List, Optional

import redis

from bot.models import Buyer, Order, Product, Shop, ShopData, ShopRequest


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True)


class ShopStore:
    def __init__(self, client: redis.Redis, shop_id: str) -> None:
        self.client = client
        self.shop_id = shop_id

    # -- keys (private: nothing outside this class builds them) -----------------------------
    def _key(self, *parts: str) -> str:
        return ":".join(("shop", self.shop_id, *parts))

    # -- shop ----------------------------------------------------------------------------
    def has_shop(self) -> bool:
        return bool(self.client.exists(self._key("info")))

    def shop(self) -> Shop:
        raw = self.client.get(self._key("info"))
        if raw is None:
            raise LookupError(f"shop {self.shop_id!r} is not loaded; run `make load-demo`")
        return Shop.parse_raw(raw)

    # -- products ------------------------------------------------------------------------
    def product(self, sku: str) -> Optional[Product]:
        raw = self.client.get(self._key("product", sku))
        return Product.parse_raw(raw) if raw else None

    def products(self) -> List[Product]:
        skus = sorted(self.client.smembers(self._key("products")))
        return [p for p in (self.product(sku) for sku in skus) if p is not None]

    def sku_for_name(self, name: str) -> Optional[str]:
        """The sku whose name or alias is `name` (case-insensitive)."""
        return self.client.hget(self._key("alias"), name.strip().lower())

    def product_names(self) -> dict:
        """Every name and alias (lower-cased) mapped to its sku."""
        return self.client.hgetall(self._key("alias"))

    # -- buyers and orders ---------------------------------------------------------------
    def buyer(self, buyer_id: str) -> Optional[Buyer]:
        raw = self.client.get(self._key("buyer", buyer_id))
        return Buyer.parse_raw(raw) if raw else None

    def order(self, order_id: str) -> Optional[Order]:
        raw = self.client.get(self._key("order", order_id))
        return Order.parse_raw(raw) if raw else None

    def orders_of(self, buyer_id: str) -> List[Order]:
        ids = self.client.smembers(self._key("buyer_orders", buyer_id))
        orders = [o for o in (self.order(i) for i in ids) if o is not None]
        return sorted(orders, key=lambda o: o.created_at, reverse=True)

    # -- import --------------------------------------------------------------------------
    def write_all(self, data: ShopData) -> None:
        """Write a whole validated data file in one MULTI/EXEC: all of it lands or none."""
        pipe = self.client.pipeline(transaction=True)
        pipe.set(self._key("info"), data.shop.json())
        for product in data.products:
            pipe.set(self._key("product", product.sku), product.json())
            pipe.sadd(self._key("products"), product.sku)
            for name in (product.name, *product.aliases):
                pipe.hset(self._key("alias"), name.strip().lower(), product.sku)
        for buyer in data.buyers:
            pipe.set(self._key("buyer", buyer.id), buyer.json())
        for order in data.orders:
            pipe.set(self._key("order", order.id), order.json())
            pipe.sadd(self._key("buyer_orders", order.buyer_id), order.id)
        pipe.execute()

    # -- what the assistant records for the shop ------------------------------------------
    def record_request(self, request: ShopRequest) -> str:
        return self.client.xadd(self._key("requests"), {"json": request.json()})

    def requests(self, kind: Optional[str] = None) -> List[ShopRequest]:
        entries = self.client.xrange(self._key("requests"))
        found = [ShopRequest.parse_raw(fields["json"]) for _, fields in entries]
        return [r for r in found if kind is None or r.kind.value == kind]

    def count_complaint(self, sku: str, reason: str) -> int:
        return int(self.client.hincrby(self._key("complaints", sku), reason, 1))

    def complaint_counts(self, sku: str) -> dict:
        return {k: int(v) for k, v in self.client.hgetall(self._key("complaints", sku)).items()}

    def skus(self) -> Iterable[str]:
        return self.client.smembers(self._key("products"))
