"""Import a shop data file (YAML or JSON) into Redis, all or nothing.

Everything is validated before the first write, so a bad file leaves Redis as it was. The error
names the file, the record (collection, position and id) and the field. Loading the same file
twice writes the same values again: nothing changes.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional, Sequence, Tuple

import yaml
from pydantic import ValidationError

from bot.knowledge import records as knowledge_records
from bot.knowledge.pack import pack_keys, with_pack
from bot.models import ShopData
from bot.store import ShopStore

_ID_FIELDS = {"products": "sku", "buyers": "id", "orders": "id", "knowledge": "key"}
REQUIRED_KEYS = ("shop", "products", "buyers", "orders")


class DataFileError(ValueError):
    """A data file that cannot be loaded; the message says where and why."""

    def __init__(self, path: Path, record: str, field: str, problem: str) -> None:
        self.path, self.record, self.field, self.problem = path, record, field, problem
        super().__init__(f"{path}: {record}, field '{field}': {problem}")


def read_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, "file", "-", f"cannot be read ({exc})") from exc
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise DataFileError(path, "file", "-", f"is not valid {path.suffix[1:].upper()}: {exc}") from exc


def _describe_record(raw: Any, loc: Sequence[Any]) -> Tuple[str, str]:
    """Turn a pydantic error location into ('products[3] (sku T004)', 'price')."""
    if len(loc) >= 2 and loc[0] in _ID_FIELDS and isinstance(loc[1], int):
        collection, index = loc[0], loc[1]
        record = f"{collection}[{index}]"
        try:
            ident = raw[collection][index].get(_ID_FIELDS[collection])
        except (KeyError, IndexError, TypeError, AttributeError):
            ident = None
        if ident is not None:
            record += f" ({_ID_FIELDS[collection]} {ident})"
        field = ".".join(str(p) for p in loc[2:]) or _ID_FIELDS[collection]
        return record, field
    if loc and loc[0] == "shop":
        return "shop", ".".join(str(p) for p in loc[1:]) or "shop"
    return "file", ".".join(str(p) for p in loc) or "-"


def parse(path: Path, raw: Any, existing: Optional[ShopStore] = None, now: Optional[datetime] = None) -> ShopData:
    """Validate a file's contents. With `existing` (a merge), orders may also name the store's
    products and buyers: an order import needs no copy of the catalogue. `now` (default: the
    real time) is the latest moment a consent can have been given."""
    if not isinstance(raw, dict):
        raise DataFileError(path, "file", "-", "must be a mapping with keys shop, products, buyers, orders")
    for key in REQUIRED_KEYS:
        # Loading replaces the shop's records: a forgotten key must not silently mean "none".
        if key not in raw:
            raise DataFileError(path, "file", key, "field required (an empty list is fine)")
    try:
        data = ShopData.parse_obj(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        record, field = _describe_record(raw, first["loc"])
        more = len(exc.errors()) - 1
        problem = first["msg"] + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
        raise DataFileError(path, record, field, problem) from exc
    _check_references(path, data, existing)
    _check_consents(path, data, now or datetime.now(timezone.utc))
    return _with_knowledge_pack(path, data)


def _check_consents(path: Path, data: ShopData, now: datetime) -> None:
    """A consent dated after now would beat every 退订 until that date (bot/outreach/consent.py)."""
    for index, buyer in enumerate(data.buyers):
        consent = buyer.marketing_opt_in
        if consent is not None and consent.at > now:
            raise DataFileError(
                path,
                f"buyers[{index}] (id {buyer.id})",
                "marketing_opt_in.at",
                f"{consent.at.isoformat()} is in the future (now {now.isoformat()}): record a consent when it was given",
            )


def _with_knowledge_pack(path: Path, data: ShopData) -> ShopData:
    """The default pack's entries (rendered with the shop's facts) beside the file's own."""
    known = set(pack_keys())
    for index, key in enumerate(data.knowledge_drop):
        if key not in known:
            raise DataFileError(path, "file", f"knowledge_drop.{index}", f"{key!r} is not an entry of the default pack")
    entries = with_pack(data.shop, data.knowledge, data.knowledge_drop, data.knowledge_pack)
    return data.copy(update={"knowledge": entries})


def _check_references(path: Path, data: ShopData, existing: Optional[ShopStore] = None) -> None:
    for collection in _ID_FIELDS:
        seen: set = set()
        for index, record in enumerate(getattr(data, collection)):
            ident = getattr(record, _ID_FIELDS[collection])
            if ident in seen:
                raise DataFileError(
                    path,
                    f"{collection}[{index}] ({_ID_FIELDS[collection]} {ident})",
                    _ID_FIELDS[collection],
                    "duplicate id",
                )
            seen.add(ident)
    names: dict = {}
    for index, product in enumerate(data.products):
        for name in (product.name, *product.aliases):
            key = name.strip().lower()
            if names.get(key, product.sku) != product.sku:
                raise DataFileError(
                    path,
                    f"products[{index}] (sku {product.sku})",
                    "aliases",
                    f"name {name!r} is already used by product {names[key]}",
                )
            names[key] = product.sku
    products = {p.sku: p for p in data.products}
    buyers = {b.id for b in data.buyers}
    if existing is not None:
        for order in data.orders:
            if order.buyer_id not in buyers and existing.buyer(order.buyer_id) is not None:
                buyers.add(order.buyer_id)
            for item in order.items:
                if item.sku not in products:
                    known = existing.product(item.sku)
                    if known is not None:
                        products[item.sku] = known
    for index, order in enumerate(data.orders):
        record = f"orders[{index}] (id {order.id})"
        if order.buyer_id not in buyers:
            raise DataFileError(path, record, "buyer_id", f"unknown buyer {order.buyer_id!r}")
        for item_index, item in enumerate(order.items):
            ordered = products.get(item.sku)
            if ordered is None:
                raise DataFileError(path, record, f"items.{item_index}.sku", f"unknown product {item.sku!r}")
            if item.colour not in ordered.colours:
                raise DataFileError(
                    path,
                    record,
                    f"items.{item_index}.colour",
                    f"{item.colour!r} is not a colour of {item.sku}",
                )
            if item.size not in ordered.sizes:
                raise DataFileError(path, record, f"items.{item_index}.size", f"{item.size!r} is not a size of {item.sku}")


def load_file(
    path: Path,
    store: ShopStore,
    move_to: Optional[datetime] = None,
    merge: bool = False,
    now: Optional[datetime] = None,
    knowledge_from_file: bool = False,
) -> ShopData:
    """Validate `path` completely, then write it to the store in one transaction: its records
    replace the shop's (ShopStore.write_all; `merge` keeps the ones it does not mention). With
    `move_to` (the demo), a file with `as_of` has its order times moved to that day. `now`: the
    shop's clock (default: the real time). Knowledge entries the owner edited in the console keep
    the owner's version unless `knowledge_from_file` (a reload must not wipe an owner's answers)."""
    data = parse(path, read_file(path), store if merge else None, now)
    if move_to is not None:
        data = data.moved_to(move_to)
    if data.shop.id != store.shop_id:
        raise DataFileError(path, "shop", "id", f"file is for shop {data.shop.id!r} but the store is shop {store.shop_id!r}")
    if not knowledge_from_file:
        owner_versions = knowledge_records.KnowledgeRecords(store.client, store.shop_id).owner_versions()
        data = data.copy(update={"knowledge": knowledge_records.with_owner_edits(data.knowledge, owner_versions)})
    store.write_all(
        data,
        merge=merge,
        also=[lambda pipe: knowledge_records.write(pipe, store.shop_id, data.knowledge, replace=not merge)],
    )
    return data


def summary(data: ShopData, path: Optional[Path] = None) -> str:
    where = f" from {path}" if path else ""
    return (
        f"loaded shop {data.shop.name} ({data.shop.id}){where}: {len(data.products)} products, "
        f"{len(data.buyers)} buyers, {len(data.orders)} orders"
    )
