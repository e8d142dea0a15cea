"""Free-shipping threshold, excluded regions, item restrictions, couriers and the cut-off."""

from __future__ import annotations

from bot.services.shipping import FeeReason, courier_options, dispatch_day, find_courier, quote
from tests.conftest import at
from tests.unit.memory_store import MemoryShopStore


def test_threshold_and_fee_come_from_the_policy(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    cheap = min(store.products(), key=lambda p: p.price)
    dear = max(store.products(), key=lambda p: p.price)
    assert cheap.price < policy.free_shipping_threshold <= dear.price
    below = quote(policy, cheap, "浙江")
    assert not below.free and below.fee == policy.default_courier.fee and below.reason is FeeReason.below_threshold
    above = quote(policy, dear, "浙江")
    assert above.free and above.fee == 0 and above.reason is FeeReason.threshold_met


def test_excluded_region_pays_even_above_threshold(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    region = policy.free_shipping_excluded_regions[0]
    dear = max(store.products(), key=lambda p: p.price)
    result = quote(policy, dear, region)
    assert not result.free and result.reason is FeeReason.excluded_region


def test_region_defaults_to_the_buyers_own(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    lili = store.buyer("buyer_lili")
    assert lili.region in policy.free_shipping_excluded_regions
    assert quote(policy, store.product("D003"), None, lili).reason is FeeReason.excluded_region


def test_returning_customer_gets_free_shipping_only_if_the_policy_says_so(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    ahua = store.buyer("buyer_ahua")
    result = quote(policy, store.product("F001"), None, ahua)
    assert result.free is policy.returning_customer.free_shipping
    assert result.reason is FeeReason.returning_customer


def test_battery_item_cannot_go_to_restricted_regions(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    fan = store.product("F001")
    region = fan.restricted_regions[0]
    assert quote(policy, fan, region).restricted
    assert courier_options(policy, fan, region).restriction_reason == fan.restriction_reason
    assert not quote(policy, fan, "浙江").restricted
    assert not quote(policy, store.product("T001"), region).restricted


def test_find_courier_by_name_or_code(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    upgrade = policy.upgrade_couriers[0]
    assert find_courier(policy, f"能发{upgrade.name[:2]}吗") == upgrade
    assert find_courier(policy, upgrade.code) == upgrade
    assert find_courier(policy, "能发邮政吗") is None


def test_same_day_dispatch_before_the_cutoff(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    cutoff = policy.same_day_cutoff_hour
    before = at(f"2026-11-26 {cutoff - 1:02d}:59")
    after = at(f"2026-11-26 {cutoff:02d}:00")
    assert dispatch_day(policy, before) == before.date()
    assert dispatch_day(policy, after) == at("2026-11-27 00:00").date()
