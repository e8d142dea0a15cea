"""Parsed products by (Redis server, shop), kept while the shop's catalogue version is the one
they were read under.

Only `ShopStore.write_all` writes products, and it sets the version in the same transaction: a
digest of the whole catalogue it leaves (not a counter: a Redis emptied and loaded with other
products must not meet an old number; loading the same file twice changes nothing). Before,
every 凑单 and recommendation answer read and validated the whole catalogue (py-spy, 50 buyers:
41% of the action server's busy time).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from bot.models import Product


@dataclass
class ParsedCatalogue:
    version: str
    products: Dict[str, Product] = field(default_factory=dict)
    complete: bool = False  # every sku of this version is in `products`


_CATALOGUES: Dict[Tuple[str, str], ParsedCatalogue] = {}


def _where(client: Any, shop_id: str) -> Tuple[str, str]:
    kwargs = client.connection_pool.connection_kwargs
    return (f"{kwargs.get('host')}:{kwargs.get('port')}/{kwargs.get('db')}{kwargs.get('path', '')}", shop_id)


def parsed_catalogue(client: Any, shop_id: str, version: Optional[str]) -> Optional[ParsedCatalogue]:
    """What this process parsed of `version` (None: a catalogue written before versions, kept not)."""
    if version is None:
        return None
    where = _where(client, shop_id)
    parsed = _CATALOGUES.get(where)
    if parsed is None or parsed.version != version:
        parsed = _CATALOGUES[where] = ParsedCatalogue(version)
    return parsed


def catalogue_digest(products: Iterable[Product]) -> str:
    records = sorted((product.sku, product.json()) for product in products)
    return hashlib.sha256(json.dumps(records, ensure_ascii=False).encode()).hexdigest()[:32]


def _kept(client: Any, shop_id: str, version: Optional[str]) -> Optional[ParsedCatalogue]:
    # Only looks: a turn that read an older version must not reset what newer turns keep.
    parsed = _CATALOGUES.get(_where(client, shop_id))
    return parsed if version is not None and parsed is not None and parsed.version == version else None


def kept_product(client: Any, shop_id: str, version: Optional[str], sku: str) -> Tuple[bool, Optional[Product]]:
    """(known, product): the product as this process parsed it under `version`, or known to be
    none of that version's skus, without a Redis call; for a reader that already read the
    version (an action's turn snapshot). Not known: read it (`read_product`)."""
    parsed = _kept(client, shop_id, version)
    if parsed is None:
        return False, None
    product = parsed.products.get(sku)
    return product is not None or parsed.complete, product


def kept_products(client: Any, shop_id: str, version: Optional[str]) -> Optional[List[Product]]:
    """Every product of `version`, if this process parsed them all (else None: `read_products`)."""
    parsed = _kept(client, shop_id, version)
    if parsed is None or not parsed.complete:
        return None
    return [parsed.products[sku] for sku in sorted(parsed.products)]


def read_product(client: Any, shop_id: str, key: Callable[..., str], sku: str) -> Optional[Product]:
    pipe = client.pipeline(transaction=True)  # the version and the record of one moment
    pipe.get(key("catalogue_version"))
    pipe.get(key("product", sku))
    version, raw = pipe.execute()
    if raw is None:
        return None
    parsed = parsed_catalogue(client, shop_id, version)
    if parsed is None:
        return Product.parse_raw(raw)
    if sku not in parsed.products:
        parsed.products[sku] = Product.parse_raw(raw)
    return parsed.products[sku]


def read_products(client: Any, shop_id: str, key: Callable[..., str]) -> List[Product]:
    parsed = parsed_catalogue(client, shop_id, client.get(key("catalogue_version")))
    if parsed is not None and parsed.complete:
        return [parsed.products[sku] for sku in sorted(parsed.products)]
    pipe = client.pipeline(transaction=True)
    pipe.get(key("catalogue_version"))
    pipe.smembers(key("products"))
    version, skus = pipe.execute()
    skus = sorted(skus)
    pipe = client.pipeline(transaction=True)
    pipe.get(key("catalogue_version"))
    for sku in skus:
        pipe.get(key("product", sku))
    again, *raws = pipe.execute()
    products = [Product.parse_raw(raw) for raw in raws if raw]
    parsed = parsed_catalogue(client, shop_id, version) if version == again else None
    if parsed is not None and len(products) == len(skus):  # nothing moved between the two reads
        parsed.products = {product.sku: product for product in products}
        parsed.complete = True
    return products
