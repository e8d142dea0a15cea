"""导购 rules: which messages ask for items, what they ask for, and what the catalogue offers."""

from __future__ import annotations

from typing import List, Optional

import pytest

from bot.models import Product, ShopData
from bot.replies.recommend import comparison, recommendations
from bot.services.recommend import (
    Ask,
    Criterion,
    asks_for_add_ons,
    asks_for_recommendation,
    asks_to_compare,
    asks_vaguely,
    read_ask,
    recommend,
)
from tests.unit.memory_store import MemoryShopStore


def tags_of(store: MemoryShopStore) -> List[str]:
    return sorted({t for p in store.products() for t in p.tags})


def ask(
    store: MemoryShopStore, text: str, viewed: Optional[Product] = None, colour: Optional[str] = None, size: Optional[str] = None
) -> Ask:
    return read_ask(text, tags_of(store), colour, size, viewed)


@pytest.mark.parametrize(
    "text, viewed_sku, colour",
    [
        ("有没有厚一点的", "T001", None),
        ("适合冬天穿的有吗", None, None),
        ("送妈妈的买什么好", None, None),
        ("100以内的裙子有吗", None, None),
        ("一百以内的包包", None, None),
        ("200左右的裤子推荐一下", None, None),
        ("有没有弹力大一点的裤子", None, None),
        ("有没有纯棉的T恤", None, None),
        ("这件太薄了 有没有厚一点的", "T001", None),  # turns away from the item in view
        ("有黑色的卫衣吗", "T001", "黑色"),  # a hoodie, asked on the T-shirt's page
        ("有没有适合学生的包", None, None),  # the shop's own tag
        ("想买件送男朋友的", None, None),
    ],
)
def test_requests_for_items(store: MemoryShopStore, text: str, viewed_sku: Optional[str], colour: Optional[str]) -> None:
    viewed = store.product(viewed_sku) if viewed_sku else None
    assert asks_for_recommendation(text, ask(store, text, viewed, colour), viewed)


@pytest.mark.parametrize(
    "text, viewed_sku, colour",
    [
        # A version of the item in view: the item's own facts answer it (a variant question).
        ("这件有厚一点的吗", "T001", None),
        ("这款有纯棉的吗", "T001", None),
        # Questions about the item, not requests for others.
        ("这件厚吗", "T001", None),
        ("适合冬天穿吗", "W001", None),
        ("送妈妈合适吗", "D002", None),
        ("是纯棉的吗", "T002", None),
        # A colour or a size alone, or the kind of item in view: stock questions.
        ("有黑色的吗", "T001", "黑色"),
        ("有没有L码", "T001", None),
        ("有黑色的卫衣吗", "W001", "黑色"),
        # Nothing the catalogue is matched on.
        ("有货吗", "T001", None),
        ("有没有优惠", "T001", None),
        ("还差几块包邮", "T001", None),
        ("99以上包邮吗", None, None),
        ("有没有运费险", None, None),
        ("有没有小礼物", "T001", None),  # a freebie, not a gift to buy
        ("送人的话有没有包装", "T001", None),
        ("我是学生 有没有优惠", "B001", None),
        ("有没有便宜点的", "T001", None),
    ],
)
def test_not_requests_for_items(store: MemoryShopStore, text: str, viewed_sku: Optional[str], colour: Optional[str]) -> None:
    viewed = store.product(viewed_sku) if viewed_sku else None
    assert not asks_for_recommendation(text, ask(store, text, viewed, colour), viewed)


def test_what_a_request_asks_for(store: MemoryShopStore) -> None:
    assert (ask(store, "100以内的裙子").price_max, ask(store, "100以内的裙子").category) == (100, "裙")
    assert ask(store, "一百五以内").price_max == 150
    about = ask(store, "200左右的")
    assert (about.price_min, about.price_max, about.price_about) == (160, 240, 200)
    assert (ask(store, "100到150元的").price_min, ask(store, "100到150元的").price_max) == (100, 150)
    assert ask(store, "送妈妈的").tags == ["送礼"] and ask(store, "送妈妈的").recipient_tag == "送妈妈"
    assert ask(store, "送男朋友的").gender == "男"
    assert ask(store, "有弹力的").stretch == "some" and ask(store, "弹力大一点的").stretch == "high"
    # 厚一点 beside a medium item means thick; beside a thin one, medium will do.
    assert ask(store, "厚一点的", store.product("T001")).thickness_at_least == 2
    assert ask(store, "厚一点的", store.product("C001")).thickness_at_least == 1
    assert ask(store, "包邮吗").category is None  # 包 of 包邮 is no bag
    assert ask(store, "送的10包纸巾有吗").category is None and ask(store, "能发邮政小包吗").category is None
    assert ask(store, "有没有小包").category == "包"


def test_matches_meet_every_ask_and_are_in_stock(store: MemoryShopStore) -> None:
    viewed = store.product("T001")
    found = recommend(store.products(), ask(store, "有没有厚一点的", viewed), viewed)
    assert 1 <= len(found.items) <= 3 and viewed.sku not in [m.product.sku for m in found.items]
    assert all(m.product.material.thickness == "thick" and m.product.stock_of() > 0 for m in found.items)
    assert found.items[0].product.category == viewed.category  # the viewed item's kind first
    assert all(m.product.size_chart for m in found.items)  # a thick canvas bag is no thicker garment
    winter = recommend(store.products(), ask(store, "适合冬天穿的"))
    assert winter.items and all("冬季" in m.product.tags for m in winter.items)
    mum = recommend(store.products(), ask(store, "送妈妈的买什么好"))
    assert mum.items and all("送妈妈" in m.product.tags and "男款" not in m.product.name for m in mum.items)
    boyfriend = recommend(store.products(), ask(store, "想买件送男朋友的"))
    assert boyfriend.items and all("女款" not in m.product.name for m in boyfriend.items)


def test_the_buyers_size_must_be_in_stock(store: MemoryShopStore, demo: ShopData) -> None:
    hoodie = store.product("W001")
    sold_out = next(v for v in hoodie.variants if v.stock == 0)
    # Only the sold-out colour left in that size: the hoodie has none of it for this buyer.
    asked = ask(store, f"有没有{sold_out.colour}的卫衣", colour=sold_out.colour, size=sold_out.size)
    found = recommend(store.products(), asked)
    assert hoodie.sku not in [m.product.sku for m in found.items]
    in_size = recommend(store.products(), ask(store, "有没有加绒的", size="M"))
    assert in_size.items and all(m.product.stock_of(None, "M") > 0 for m in in_size.items)


def test_no_match_is_said_with_the_nearest_item_and_why(store: MemoryShopStore) -> None:
    asked = ask(store, "100以内的裙子有吗")
    found = recommend(store.products(), asked)
    skirts = [p for p in store.products() if "裙" in p.category]
    assert not found.items and found.nearest is not None
    assert found.nearest.product == min(skirts, key=lambda p: p.price)  # a skirt, the cheapest one
    assert found.nearest.missed == [Criterion.price]
    text = recommendations(found, ["连衣裙"])
    over = found.nearest.product.price - 100
    assert "店里暂时没有100元以内的裙子" in text and found.nearest.product.name in text
    assert f"高{over:g}元" in text  # why it is only the nearest: the price, exactly
    nothing = recommend(store.products(), ask(store, "有没有羽绒服"))
    assert not nothing.items and nothing.nearest is None
    assert "店里暂时没有羽绒服" in recommendations(nothing, ["T恤", "卫衣"])


def test_a_vague_request_and_a_comparison_are_told_apart(store: MemoryShopStore) -> None:
    assert asks_vaguely("有什么推荐的吗", ask(store, "有什么推荐的吗"))
    assert not asks_vaguely("推荐一下冬天穿的", ask(store, "推荐一下冬天穿的"))
    assert asks_vaguely("买什么好呢", ask(store, "买什么好呢"))
    assert not asks_vaguely("为啥我买什么什么就降价", ask(store, "为啥我买什么什么就降价"))
    assert asks_to_compare("这两件哪个好") and asks_to_compare("两款有什么区别")
    assert asks_to_compare("这俩哪个厚") and asks_to_compare("2款对比一下")
    assert not asks_to_compare("哪个颜色好看") and not asks_to_compare("两件包邮吗")
    assert not asks_to_compare("买三袋送2袋不同口味吗") and not asks_to_compare("预售和当天买的哪个划算")


def test_a_comparison_is_facts_only(store: MemoryShopStore) -> None:
    tee, heavy = store.product("T001"), store.product("T003")
    text = comparison(tee, heavy, "M")
    for product in (tee, heavy):
        assert product.name in text and product.material.composition in text
    assert f"便宜{heavy.price - tee.price:g}元" in text
    assert not any(word in text for word in ("更好", "推荐您", "建议选", "性价比"))  # no opinion the data lacks


def test_cou_dan_is_read_from_its_words() -> None:
    assert asks_for_add_ons("凑单推荐一下") and asks_for_add_ons("帮我凑个单") and asks_for_add_ons("想凑够包邮")
    assert not asks_for_add_ons("还差几块包邮") and not asks_for_add_ons("单号多少")
