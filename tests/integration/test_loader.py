"""The loader: demo shop loads, bad files are refused naming file/record/field, nothing written."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from bot.loader import DataFileError, load_file, parse, read_file
from bot.store import ShopStore
from tests.conftest import DEMO_FILE


def demo_raw() -> dict:
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


def write(tmp_path: Path, raw: dict, name: str = "shop.yml") -> Path:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(raw, ensure_ascii=False, default=str), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_demo_shop_has_what_the_issue_asks_for(demo, store: ShopStore) -> None:
    assert len(demo.products) >= 15 and len(demo.buyers) >= 5 and len(demo.orders) >= 20
    assert {o.status.value for o in demo.orders} == {"unpaid", "paid", "shipped", "delivered", "returned"}
    assert any(p.restricted_regions for p in demo.products)
    assert {p.fit.value for p in demo.products if p.size_chart} >= {"runs_small", "true_to_size", "runs_large"}
    assert any("老客" in b.tags for b in demo.buyers)
    assert store.shop().name == demo.shop.name
    assert store.product("T001").price == next(p.price for p in demo.products if p.sku == "T001")


def snapshot(client) -> dict:
    """Every key's logical value (DUMP bytes depend on set insertion order)."""
    readers = {"string": client.get, "set": client.smembers, "hash": client.hgetall}
    return {key: readers[client.type(key)](key) for key in client.keys("*")}


def test_loading_twice_changes_nothing(demo, store: ShopStore, redis_client) -> None:
    before = snapshot(redis_client)
    load_file(DEMO_FILE, store)
    assert snapshot(redis_client) == before
    assert len(before) > 50


def test_json_file_loads_the_same(tmp_path: Path, store: ShopStore) -> None:
    data = load_file(write(tmp_path, demo_raw(), "shop.json"), store)
    assert store.order(data.orders[0].id) == data.orders[0]


@pytest.mark.parametrize(
    "mutate, record, field",
    [
        (lambda r: r["products"][2].update(price=-1), "products[2] (sku", "price"),
        (lambda r: r["products"][0].pop("name"), "products[0] (sku", "name"),
        (lambda r: r["orders"][4].update(buyer_id="nobody"), "orders[4] (id", "buyer_id"),
        (lambda r: r["orders"][1]["items"][0].update(sku="NOPE"), "orders[1] (id", "items.0.sku"),
        (lambda r: r["orders"][3].update(status="lost"), "orders[3] (id", "status"),
        (lambda r: r["buyers"][1].update(past_orders="many"), "buyers[1] (id", "past_orders"),
        (lambda r: r["shop"]["policy"].update(same_day_cutoff_hour=30), "shop", "policy.same_day_cutoff_hour"),
        # Zero length would mean "never open": every handoff told a person comes tomorrow, forever.
        (lambda r: r["shop"]["policy"].update(working_hours="00:00-00:00"), "shop", "policy.working_hours"),
        (lambda r: r["shop"]["policy"].update(working_hours="09:30-09:30"), "shop", "policy.working_hours"),
        (lambda r: r["products"][3].update(colour="红"), "products[3] (sku", "colour"),
        # Recommendations match tags and a card shows image_url: a blank or doubled tag or a
        # picture that is no web address would be shown to buyers as it is.
        (lambda r: r["products"][5].update(tags=["冬季", " "]), "products[5] (sku", "tags.1"),
        (lambda r: r["products"][5].update(tags=["冬季", "冬季"]), "products[5] (sku", "tags"),
        (lambda r: r["products"][6].update(tags="冬季"), "products[6] (sku", "tags"),
        (lambda r: r["products"][6].update(image_url="pics/hoodie.jpg"), "products[6] (sku", "image_url"),
        (lambda r: r["products"][6].update(size_chart_image_url="尺码表.jpg"), "products[6] (sku", "size_chart_image_url"),
        # A consent "given" in 2099 would beat every 退订 until then: a consent is recorded after it is given.
        (
            lambda r: r["buyers"][0]["marketing_opt_in"].update(at="2099-01-01T00:00:00+08:00"),
            "buyers[0] (id",
            "marketing_opt_in.at",
        ),
    ],
)
def test_bad_file_names_file_record_field_and_writes_nothing(
    tmp_path: Path, store: ShopStore, redis_client, mutate, record: str, field: str
) -> None:
    raw = copy.deepcopy(demo_raw())
    mutate(raw)
    path = write(tmp_path, raw)
    with pytest.raises(DataFileError) as caught:
        load_file(path, store)
    message = str(caught.value)
    assert str(path) in message and record in message and f"field '{field}'" in message
    assert redis_client.dbsize() == 0


def test_duplicate_alias_is_refused(tmp_path: Path, store: ShopStore, redis_client) -> None:
    raw = demo_raw()
    raw["products"][1]["aliases"].append(raw["products"][0]["name"])
    with pytest.raises(DataFileError, match="aliases"):
        load_file(write(tmp_path, raw), store)
    assert redis_client.dbsize() == 0


def test_broken_yaml_is_refused_with_the_file_name(tmp_path: Path, store: ShopStore) -> None:
    path = tmp_path / "broken.yml"
    path.write_text("shop: [unclosed", encoding="utf-8")
    with pytest.raises(DataFileError, match="broken.yml"):
        load_file(path, store)


@pytest.mark.parametrize("now", ["2026-12-01T21:05", "2027-03-15T03:00", "2026-11-26T14:00", "2026-12-24T15:59"])
def test_the_demo_moved_to_any_day_makes_sense_on_that_day(now: str) -> None:
    from datetime import datetime, timedelta

    from bot.models import OrderStatus
    from bot.services.orders import is_late
    from tests.conftest import DEMO_FILE, SHANGHAI

    moment = datetime.fromisoformat(now).replace(tzinfo=SHANGHAI)
    data = parse(DEMO_FILE, read_file(DEMO_FILE)).moved_to(moment)
    policy = data.shop.policy
    times = [t for o in data.orders for t in (o.created_at, o.paid_at, o.shipped_at, o.delivered_at) if t]
    assert max(times) < moment  # nothing happens in the future
    assert len([o for o in data.orders if is_late(o, policy, moment)]) == 1  # exactly one late order
    paid_today = [
        o for o in data.orders if o.status is OrderStatus.paid and o.paid_at.astimezone(SHANGHAI).date() == moment.date()
    ]
    shipped_yesterday = [
        o for o in data.orders if o.shipped_at and o.shipped_at.astimezone(SHANGHAI).date() == (moment - timedelta(days=1)).date()
    ]
    assert paid_today and shipped_yesterday


# -- the shop file is the truth -----------------------------------------------------------------


def test_a_corrected_file_replaces_every_record_and_index(tmp_path: Path, demo, store: ShopStore, redis_client) -> None:
    raw = demo_raw()
    dropped_product = raw["products"].pop()  # and the orders that hold it
    raw["orders"] = [o for o in raw["orders"] if all(i["sku"] != dropped_product["sku"] for i in o["items"])]
    moved = raw["orders"][0]
    old_buyer = moved["buyer_id"]
    new_buyer = next(b["id"] for b in raw["buyers"] if b["id"] != old_buyer)
    moved["buyer_id"] = new_buyer
    dropped_order = raw["orders"].pop()["id"]
    load_file(write(tmp_path, raw), store)

    assert moved["id"] not in {o.id for o in store.orders_of(old_buyer)}  # her card no longer shows his order
    assert moved["id"] in {o.id for o in store.orders_of(new_buyer)}
    assert store.order(dropped_order) is None
    assert store.product(dropped_product["sku"]) is None and dropped_product["sku"] not in store.skus()
    assert store.sku_for_name(dropped_product["name"]) is None
    # Every index is what the file's records say, and nothing else.
    for buyer in raw["buyers"]:
        expected = {o["id"] for o in raw["orders"] if o["buyer_id"] == buyer["id"]}
        assert {o.id for o in store.orders_of(buyer["id"])} == expected, buyer["id"]
    assert set(store.skus()) == {p["sku"] for p in raw["products"]}
    assert set(store.product_names().values()) == {p["sku"] for p in raw["products"]}
    assert len(redis_client.keys("shop:demo:order:*")) == len(raw["orders"])


def test_merge_keeps_what_the_file_does_not_mention(tmp_path: Path, demo, store: ShopStore) -> None:
    raw = demo_raw()
    kept = raw["orders"].pop()["id"]
    load_file(write(tmp_path, raw), store, merge=True)
    assert store.order(kept) is not None


def test_an_order_import_may_name_the_shops_products_and_buyers(tmp_path: Path, demo, store: ShopStore) -> None:
    raw = demo_raw()
    order = copy.deepcopy(raw["orders"][0])
    order["id"] = "IMPORT-1"
    new_order_only = {"shop": raw["shop"], "products": [], "buyers": [], "orders": [order]}
    with pytest.raises(DataFileError) as error:  # replacing: the catalogue would be gone
        load_file(write(tmp_path, new_order_only), store)
    assert "unknown" in str(error.value)
    load_file(write(tmp_path, new_order_only), store, merge=True)
    assert store.order("IMPORT-1") is not None and store.product(order["items"][0]["sku"]) is not None
    order["items"][0]["sku"] = "NOPE"
    with pytest.raises(DataFileError) as error:  # still checked against what the shop has
        load_file(write(tmp_path, {**new_order_only, "orders": [order]}), store, merge=True)
    assert "unknown product 'NOPE'" in str(error.value)


@pytest.mark.parametrize("missing", ["products", "buyers", "orders"])
def test_a_file_without_a_key_is_refused_and_nothing_changes(
    tmp_path: Path, demo, store: ShopStore, redis_client, missing: str
) -> None:
    before = snapshot(redis_client)
    raw = demo_raw()
    del raw[missing]
    with pytest.raises(DataFileError) as error:
        load_file(write(tmp_path, raw), store)
    assert f"field '{missing}'" in str(error.value) and "required" in str(error.value)
    assert snapshot(redis_client) == before


def test_a_time_without_an_offset_is_refused(tmp_path: Path, demo, store: ShopStore) -> None:
    raw = demo_raw()
    raw["orders"][3]["created_at"] = "2026-11-24T11:00:00"
    with pytest.raises(DataFileError) as error:
        load_file(write(tmp_path, raw), store)
    message = str(error.value)
    assert f"orders[3] (id {raw['orders'][3]['id']})" in message and "created_at" in message and "offset" in message


@pytest.mark.parametrize("minutes, loads", [(-5, False), ("soon", False), (24 * 60 + 1, False), (0, True), (45, True)])
def test_the_unpaid_reminder_minutes_are_checked(tmp_path: Path, store: ShopStore, redis_client, minutes, loads: bool) -> None:
    raw = demo_raw()
    raw["shop"]["policy"]["unpaid_reminder_minutes"] = minutes
    path = write(tmp_path, raw)
    if loads:
        load_file(path, store)
        assert store.shop().policy.unpaid_reminder_minutes == minutes  # 0: reminders off
        return
    with pytest.raises(DataFileError) as error:
        load_file(path, store)
    message = str(error.value)
    assert str(path) in message and "shop" in message and "field 'policy.unpaid_reminder_minutes'" in message
    assert redis_client.dbsize() == 0


def test_product_tags_and_picture_load_as_written(tmp_path: Path, store: ShopStore) -> None:
    raw = demo_raw()
    raw["products"][0]["image_url"] = "https://img.example.com/T001.jpg"
    raw["products"][0]["size_chart_image_url"] = "https://img.example.com/T001-sizes.jpg"
    load_file(write(tmp_path, raw), store)
    product = store.product(raw["products"][0]["sku"])
    assert product is not None and product.image_url == "https://img.example.com/T001.jpg"
    assert product.size_chart_image_url == "https://img.example.com/T001-sizes.jpg"
    assert product.tags == raw["products"][0]["tags"] and product.tags  # the demo's items carry tags
