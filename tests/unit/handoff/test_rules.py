"""When a chat goes to a human although the assistant could answer."""

from __future__ import annotations

import pytest

from bot.handoff.rules import is_angry, refund_needs_human
from bot.models import OrderStatus, ShopData


@pytest.mark.parametrize(
    "text",
    [
        "气死我了",
        "你们这是什么垃圾衣服",
        "我要给差评",
        "我要投诉你们",
        "骗子店铺",
        "😡😡",
        "🤬",
        "我很生氣",
        "再不处理我就打12315",
    ],
)
def test_upset_buyers_are_recognised(text: str) -> None:
    assert is_angry(text)


@pytest.mark.parametrize("text", ["亲 这件包邮吗", "身高165体重110斤穿什么码", "谢谢😊", "", "好评好评👍"])
def test_ordinary_messages_are_not_angry(text: str) -> None:
    assert not is_angry(text)


def test_refunds_above_the_shops_amount_go_to_a_human(demo: ShopData) -> None:
    policy = demo.shop.policy
    assert policy.handoff_refund_over == 200
    big = next(o for o in demo.orders if o.total > 200 and o.status is OrderStatus.delivered)
    small = next(o for o in demo.orders if o.total <= 200 and o.status is OrderStatus.delivered)
    assert refund_needs_human(policy, big)
    assert not refund_needs_human(policy, small)


def test_nothing_to_refund_means_no_handoff(demo: ShopData) -> None:
    policy = demo.shop.policy
    unpaid = next(o for o in demo.orders if o.total > 200 and o.status is OrderStatus.unpaid)
    returned = next(o for o in demo.orders if o.total > 200 and o.status is OrderStatus.returned)
    assert not refund_needs_human(policy, unpaid)
    assert not refund_needs_human(policy, returned)


def test_without_the_rule_refunds_stay_with_the_assistant(demo: ShopData) -> None:
    policy = demo.shop.policy.copy(update={"handoff_refund_over": None})
    assert not any(refund_needs_human(policy, o) for o in demo.orders)
