"""凑单: the items that close the gap to free shipping, from the catalogue's own prices and stock."""

from __future__ import annotations

from bot.models import ShopData
from bot.services.products import add_ons_for_free_shipping
from tests.unit.memory_store import MemoryShopStore


def test_the_closest_price_above_the_gap_first_and_never_the_viewed_item(store: MemoryShopStore, demo: ShopData) -> None:
    viewed = store.product("T001")
    gap = 99 - viewed.price
    picked = add_ons_for_free_shipping(store, gap, viewed, "浙江")
    assert 0 < len(picked) <= 3 and viewed.sku not in [p.sku for p in picked]
    assert all(p.price >= gap and any(v.stock > 0 for v in p.variants) for p in picked)
    affordable = sorted(
        p.price - gap for p in store.products() if p.price >= gap and p.sku != viewed.sku and any(v.stock > 0 for v in p.variants)
    )
    assert [round(p.price - gap, 2) for p in picked] == [round(x, 2) for x in affordable[: len(picked)]]


def test_nothing_sold_out_or_barred_from_the_region(store: MemoryShopStore, demo: ShopData) -> None:
    barred = [p for p in store.products() if p.restricted_regions]
    assert barred  # the demo sells items that cannot go everywhere
    for product in barred:
        region = product.restricted_regions[0]
        assert product.sku not in [p.sku for p in add_ons_for_free_shipping(store, 1, None, region, limit=50)]
    assert add_ons_for_free_shipping(store, 10_000, None, None) == []
