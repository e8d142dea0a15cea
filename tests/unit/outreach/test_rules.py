"""The exact rules of keeping in touch: who may be messaged, what 退订 is, what a rating is."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.models import Buyer, MarketingConsent, Satisfaction
from bot.outreach.consent import is_unsubscribe, may_market
from bot.outreach.ratings import read_rating

T = datetime(2026, 11, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text", ["退订", "TD", "td", "T D", "退订。", "请帮我退订", "不要再发了", "别再给我发消息了", "取消订阅"]
)
def test_asking_to_stop_is_unsubscribing(text: str) -> None:
    assert is_unsubscribe(text)


# The buyer's own writing, read as the NLU reads it (bot/nlu/normalize.py): Traditional
# characters, full-width letters, spaces and zero-width characters.
@pytest.mark.parametrize(
    "text",
    ["退訂", "請不要再發了", "ＴＤ", "ｔｄ", "Ｔ　Ｄ", "退\u200b订", "取消訂閱", "請幫我退訂", "这件衣服" * 100 + "請不要再發了"],
)
def test_asking_to_stop_in_the_buyers_own_writing_is_unsubscribing(text: str) -> None:
    assert is_unsubscribe(text)


@pytest.mark.parametrize("text", ["我要退订单", "我要退訂單", "怎么退货", "这件包邮吗", "订单什么时候发", "", "🙂"])
def test_other_messages_are_not(text: str) -> None:
    assert not is_unsubscribe(text)


def test_only_consent_not_withdrawn_since_allows_marketing() -> None:
    never = Buyer(id="a", nickname="A")
    agreed = Buyer(id="b", nickname="B", marketing_opt_in=MarketingConsent(at=T, source="会员注册"))
    assert not may_market(never, None)
    assert may_market(agreed, None)
    assert not may_market(agreed, T + timedelta(days=1))  # replied 退订 after agreeing
    assert may_market(agreed, T - timedelta(days=1))  # agreed again after an old 退订


@pytest.mark.parametrize(
    "text, rating",
    [
        ("满意", Satisfaction.satisfied),
        ("非常满意！", Satisfaction.satisfied),
        ("5", Satisfaction.satisfied),
        ("5分", Satisfaction.satisfied),
        ("五星", Satisfaction.satisfied),
        ("挺好的", Satisfaction.satisfied),
        ("一般", Satisfaction.neutral),
        ("3分", Satisfaction.neutral),
        ("还行吧", Satisfaction.neutral),
        ("不满意", Satisfaction.unsatisfied),
        ("1", Satisfaction.unsatisfied),
        ("太差了", Satisfaction.unsatisfied),
        ("不好意思 很满意", Satisfaction.satisfied),
    ],
)
def test_ratings_are_read_exactly(text: str, rating: Satisfaction) -> None:
    assert read_rating(text) is rating


@pytest.mark.parametrize("text", ["这件还有别的颜色吗", "6", "满意吗？", "我想问一下物流到哪了，一直没更新啊啊啊啊啊啊", "好的"])
def test_anything_else_is_left_to_the_assistant(text: str) -> None:
    assert read_rating(text) is None
