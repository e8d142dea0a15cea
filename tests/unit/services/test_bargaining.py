"""The ladder: hold the price, free-shipping rule, gift, then hold firm; perks for returning buyers."""

from __future__ import annotations

from bot.services.bargaining import BargainStep, respond
from tests.unit.memory_store import MemoryShopStore


def test_the_ladder_in_order(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    dress = store.product("D002")
    steps = [respond(policy, dress, store.buyer("buyer_xiaomei"), n).step for n in range(1, 6)]
    assert steps == [
        BargainStep.hold_price,
        BargainStep.free_shipping,
        BargainStep.gift,
        BargainStep.hold_firm,
        BargainStep.hold_firm,
    ]


def test_price_is_the_catalogue_price_and_no_perks_for_new_buyers(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    reply = respond(policy, store.product("T002"), store.buyer("buyer_chenchen"), 1)
    assert reply.price == store.product("T002").price
    assert reply.perks is None


def test_no_gift_step_when_item_is_below_the_gift_minimum(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    fan = store.product("F001")
    assert fan.price < policy.gift.min_order_amount
    assert respond(policy, fan, None, 3).step is BargainStep.hold_firm


def test_returning_customer_gets_exactly_the_policy_perks(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    reply = respond(policy, store.product("T001"), store.buyer("buyer_ahua"), 1)
    rule = policy.returning_customer
    assert reply.perks is not None
    assert (reply.perks.coupon_yuan, reply.perks.free_shipping, reply.perks.gift) == (
        rule.coupon_yuan,
        rule.free_shipping,
        rule.gift,
    )
