"""Parsed products are kept by the catalogue's version, and a write of other products is seen at
once: by this process's store, by another store object, after Redis was emptied and loaded again."""

from __future__ import annotations

import redis

from bot.models import ShopData
from bot.store import ShopStore, ShopStoreAt


def repriced(demo: ShopData, sku: str, price: float) -> ShopData:
    products = [p.copy(update={"price": price}) if p.sku == sku else p for p in demo.products]
    return demo.copy(update={"products": products})


def test_a_product_is_parsed_once_per_catalogue_version(demo: ShopData, store: ShopStore) -> None:
    first = store.product("T001")
    assert first is not None and store.product("T001") is first
    everything = store.products()
    assert [p.sku for p in everything] == sorted(p.sku for p in demo.products)
    assert store.products()[0] is everything[0]
    assert store.product("NOPE") is None


def test_a_new_price_is_read_at_once(demo: ShopData, store: ShopStore, redis_client: redis.Redis) -> None:
    old_price = store.product("T001").price  # type: ignore[union-attr]
    store.products()
    store.write_all(repriced(demo, "T001", old_price + 10))
    other_store = ShopStore(redis_client, "demo")
    assert store.product("T001").price == old_price + 10  # type: ignore[union-attr]
    assert next(p for p in other_store.products() if p.sku == "T001").price == old_price + 10


def test_an_emptied_redis_loaded_with_other_products_is_not_answered_from_memory(
    demo: ShopData, store: ShopStore, redis_client: redis.Redis
) -> None:
    store.products()
    redis_client.flushdb()
    store.write_all(repriced(demo, "T001", 1.5))
    assert store.product("T001").price == 1.5  # type: ignore[union-attr]
    redis_client.flushdb()
    assert store.product("T001") is None and store.products() == []


def test_a_merge_keeps_the_version_of_the_whole_catalogue(demo: ShopData, store: ShopStore) -> None:
    t001 = store.product("T001")
    assert t001 is not None
    only_t001 = demo.copy(update={"products": [t001], "buyers": [], "orders": []})
    store.write_all(only_t001, merge=True)  # nothing changed
    assert len(store.products()) == len(demo.products)
    store.write_all(repriced(only_t001, "T001", 2.0), merge=True)
    assert store.product("T001").price == 2.0  # type: ignore[union-attr]
    assert len(store.products()) == len(demo.products)
    store.write_all(only_t001)  # the file is the truth: the others go
    assert [p.sku for p in store.products()] == ["T001"]


def test_shops_do_not_share_parsed_products(demo: ShopData, store: ShopStore, redis_client: redis.Redis) -> None:
    other = ShopStore(redis_client, "other")
    other.write_all(repriced(demo, "T001", 3.0))
    assert store.product("T001").price != 3.0  # type: ignore[union-attr]
    assert other.product("T001").price == 3.0  # type: ignore[union-attr]


def test_the_shop_is_parsed_once_per_text_and_a_new_one_read_at_once(demo: ShopData, store: ShopStore) -> None:
    first = store.shop()
    assert store.shop() is first and ShopStore(store.client, "demo").shop() is first
    renamed = demo.copy(update={"shop": demo.shop.copy(update={"name": first.name + "旗舰店"})})
    store.write_all(renamed)
    assert store.shop().name == first.name + "旗舰店"


def test_a_run_reads_products_of_the_version_its_snapshot_read(demo: ShopData, store: ShopStore) -> None:
    # An action run's store (bot/store.py ShopStoreAt) answers from what this process parsed
    # under the version the run read, and reads what it has not parsed; a run that read an
    # older version never resets what the newer runs keep.
    version = store.client.get("shop:demo:catalogue_version")
    first = store.product("T001")
    at_first = ShopStoreAt(store, store.shop(), version)
    assert at_first.product("T001") is first
    assert at_first.product("NOPE") is None
    assert at_first.product("C001") is not None and at_first.product("C001") is store.product("C001")
    store.products()  # now every sku of this version is kept
    before = store.client.info("commandstats").get("cmdstat_get", {}).get("calls", 0)
    assert at_first.product("NOPE") is None and [p.sku for p in at_first.products()] == [p.sku for p in store.products()]
    assert store.client.info("commandstats")["cmdstat_get"]["calls"] == before + 1  # store.products()'s version

    old_price = first.price  # type: ignore[union-attr]
    store.write_all(repriced(demo, "T001", old_price + 10))
    new_version = store.client.get("shop:demo:catalogue_version")
    at_new = ShopStoreAt(store, store.shop(), new_version)
    assert at_new.product("T001").price == old_price + 10  # type: ignore[union-attr]
    assert at_first.product("T001").price == old_price + 10  # type: ignore[union-attr]  # read, not kept
    assert at_new.product("T001") is store.product("T001")  # the newer runs' products stay kept
