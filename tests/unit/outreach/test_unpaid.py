"""催付 rules and text: when an unpaid order is due its one reminder, and that the reminder states
only what the demo shop's data makes true (free shipping, the cut-off, a low stock count)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

import pytest

from bot.models import Buyer, MarketingConsent, Order, OrderItem, OrderStatus, Policy
from bot.outreach.consent import may_remind
from bot.replies.outreach import unpaid_reminder
from bot.services.unpaid import is_due, reminder_facts
from tests.conftest import at
from tests.unit.memory_store import MemoryShopStore


def order(
    sku: str = "T001",
    colour: str = "白色",
    size: str = "M",
    price: float = 59.9,
    fee: float = 8,
    region: str = "浙江",
    placed: str = "2026-11-26 14:00",
    status: OrderStatus = OrderStatus.unpaid,
    buyer: str = "buyer_xiaomei",
) -> Order:
    paid = {"paid_at": at(placed) + timedelta(minutes=20)} if status is OrderStatus.paid else {}
    return Order(
        id="U1",
        buyer_id=buyer,
        status=status,
        region=region,
        shipping_fee=fee,
        created_at=at(placed),
        items=[OrderItem(sku=sku, colour=colour, size=size, unit_price=price)],
        **paid,
    )


def policy(store: MemoryShopStore, **changes: object) -> Policy:
    return store.shop().policy.copy(update=changes)


def text_of(store: MemoryShopStore, placed: Order, now: datetime, buyer: Optional[Buyer] = None) -> str:
    product = store.product(placed.items[0].sku)
    return unpaid_reminder(reminder_facts(placed, product, buyer or store.buyer(placed.buyer_id), policy(store), now))


def test_due_from_its_minutes_until_the_order_lapses(store: MemoryShopStore) -> None:
    placed, rules = order(), policy(store)
    assert rules.unpaid_reminder_minutes == 30  # the demo sets none: the default
    assert not is_due(placed, rules, at("2026-11-26 14:29"))
    assert is_due(placed, rules, at("2026-11-26 14:30"))
    assert is_due(placed, rules, at("2026-11-27 09:00"))  # a night's wait: still due in the morning
    assert not is_due(placed, rules, at("2026-11-27 14:00"))  # a day old: the platform closed it
    assert not is_due(order(status=OrderStatus.paid), rules, at("2026-11-26 14:30"))
    assert not is_due(placed, policy(store, unpaid_reminder_minutes=0), at("2026-11-26 18:00"))  # 0: off
    assert is_due(placed, policy(store, unpaid_reminder_minutes=90), at("2026-11-26 15:30"))
    assert not is_due(placed, policy(store, unpaid_reminder_minutes=90), at("2026-11-26 15:29"))


def test_unsubscribing_stops_it_until_the_buyer_agrees_again() -> None:
    agreed = Buyer(id="b", nickname="B", marketing_opt_in=MarketingConsent(at=at("2026-11-20 10:00"), source="会员注册"))
    assert may_remind(None, None) and may_remind(Buyer(id="a", nickname="A"), None)  # a service message: no opt-in needed
    assert not may_remind(agreed, at("2026-11-21 10:00"))  # 退订 after agreeing
    assert not may_remind(Buyer(id="a", nickname="A"), at("2026-11-21 10:00"))
    assert may_remind(agreed, at("2026-11-19 10:00"))  # agreed again after an old 退订


def test_it_names_the_item_and_the_same_day_cut_off(store: MemoryShopStore) -> None:
    text = text_of(store, order(), at("2026-11-26 14:30"))
    assert text.startswith("亲，您拍下的【女款纯棉圆领长袖T恤】还没有付款哦～")
    assert "今天16点前付款当天就能发出" in text and "退订" in text
    assert "包邮" not in text and "只剩" not in text  # 59.9 is short of 99; 白色M has plenty
    late = text_of(store, order(), at("2026-11-26 17:00"))
    assert "现在付款，明天（11月27日）就能发出" in late and "当天" not in late


def test_free_shipping_only_when_the_order_reached_it(store: MemoryShopStore) -> None:
    reached = text_of(store, order(sku="W001", colour="黑色", size="L", price=159, fee=0), at("2026-11-26 14:30"))
    assert "这单已经满99元包邮啦" in reached and "【加绒连帽卫衣】" in reached
    excluded = text_of(store, order(sku="W001", colour="黑色", size="L", price=159, fee=8, region="新疆"), at("2026-11-26 14:30"))
    assert "包邮" not in excluded  # 新疆 is outside the free-shipping regions
    regular = text_of(store, order(fee=0, region="广东", buyer="buyer_ahua"), at("2026-11-26 14:30"))
    assert "您是店里的老客，这单包邮哦" in regular


@pytest.mark.parametrize(
    "colour, size, said", [("黑色", "2XL", "您选的黑色2XL码只剩2件了"), ("白色", "L", "您选的白色L码只剩5件了")]
)
def test_low_stock_is_the_datas_own_count(store: MemoryShopStore, colour: str, size: str, said: str) -> None:
    assert said in text_of(store, order(colour=colour, size=size), at("2026-11-26 14:30"))


def test_an_order_of_several_items_is_named_by_its_first(store: MemoryShopStore) -> None:
    two = order().copy(update={"items": [*order().items, OrderItem(sku="B001", colour="黑色", unit_price=49.9)]})
    assert "【女款纯棉圆领长袖T恤】等2件宝贝" in text_of(store, two, at("2026-11-26 14:30"))
