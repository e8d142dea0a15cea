"""Tests for bot.nlu.normalize: each step, offsets, and properties on arbitrary text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu.normalize import is_normalized, normalize, normalize_with_offsets


@pytest.mark.parametrize(
    "raw, expected",
    [
        # Traditional -> Simplified
        ("親 穿XL嗎", "亲 穿xl吗"),
        ("體重一百一十斤", "体重一百一十斤"),
        ("訂單號", "订单号"),
        # full-width ASCII and the ideographic space
        ("１７５ｃｍ　５５ＫＧ", "175cm 55kg"),
        ("ＸＬ", "xl"),
        # lower-case Latin
        ("XXL码 Hello", "xxl码 hello"),
        # control and zero-width characters
        ("你\u200b好\u200d呀\ufeff", "你好呀"),
        ("a\x00b\x07c", "abc"),
        ("第一行\n第二行\t第三", "第一行 第二行 第三"),
        # emoji: a few keep their meaning, the rest separate words
        ("质量太差了😡", "质量太差了 生气"),
        ("好评👍🏻", "好评 好"),
        ("谢谢🙏", "谢谢 谢谢"),
        ("好看😍😍吗", "好看 吗"),
        ("❤️喜欢", "喜欢"),
        # runs longer than three collapse to two; three stay; numbers never collapse
        ("哈哈哈哈哈", "哈哈"),
        ("？？？？", "??"),
        ("啊啊啊", "啊啊啊"),
        ("!!!!!!在吗", "!!在吗"),
        ("11111111", "11111111"),
        ("订单2611000000001", "订单2611000000001"),
        ("二〇〇〇〇", "二〇〇〇〇"),
        # URLs become the token url
        ("看下 https://item.taobao.com/item.htm?id=123456789012 有货吗", "看下 url 有货吗"),
        ("www.taobao.com/shop 这个", "url 这个"),
        ("链接 m.tb.cn/h.abc 打不开", "链接 url 打不开"),
        # whitespace, leading slashes
        ("   你好    呀  ", "你好 呀"),
        ("/greet", "greet"),
        ('//ask_size{"size": "XL"}', 'ask_size{"size": "xl"}'),
        ("/ /hi", "hi"),
        ("1/2", "1/2"),
        # nothing left
        ("", ""),
        ("   ", ""),
        ("\u200b\u200b", ""),
        ("😀😀", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_max_chars_caps_and_strips() -> None:
    assert normalize("好" * 500) == "好好"  # collapsed first
    long = "你好呀" * 200
    assert len(normalize(long)) == 300
    assert normalize(long, max_chars=10) == long[:10]
    assert normalize("你好 吗", max_chars=3) == "你好"
    assert normalize("你好", max_chars=0) == ""


def test_non_string_input_is_empty() -> None:
    assert normalize(None) == ""  # type: ignore[arg-type]
    assert normalize(123) == ""  # type: ignore[arg-type]


def test_offsets_point_back_into_the_raw_text() -> None:
    raw = "親👍 身高１７５ｃｍ\u200b哈哈哈哈哈"
    result = normalize_with_offsets(raw)
    assert result.text == "亲 好 身高175cm哈哈"
    start = result.text.index("175cm")
    original_start, original_end = result.original_span(start, start + 5)
    assert raw[original_start:original_end] == "１７５ｃｍ"
    # Every char of an emoji replacement maps to the emoji.
    assert raw[slice(*result.original_span(2, 3))] == "👍"


def test_is_normalized() -> None:
    assert is_normalized("亲 在吗")
    assert not is_normalized("親 在嗎")
    assert not is_normalized(None)


# Text biased towards what buyers type, so the properties also exercise OpenCC, numbers,
# units, emoji and URLs, which uniformly random unicode almost never hits.
_SHOP_ALPHABET = list(
    "親嗎體重訂單號顏色發貨亲吗体重订单号颜色发货一二两三四五六七八九十百千零米斤尺寸"
    "0123456789０１２３ＡＢｘｌXLSMcmkg./:?=&%-_ 　\u200b\u200d\ufeff\x00\n\t"
    "哈啊!！?？😡👍🙏😀🏻\ufe0fhttps:wwwcomtaobao"
)
shop_text = st.lists(st.sampled_from(_SHOP_ALPHABET), max_size=80).map("".join)
any_text = st.one_of(st.text(), shop_text)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once


@settings(max_examples=200, deadline=None)
@given(any_text, st.integers(min_value=0, max_value=50))
def test_offsets_are_consistent(text: str, max_chars: int) -> None:
    result = normalize_with_offsets(text, max_chars)
    assert len(result.text) <= max_chars
    assert len(result.offsets) == len(result.text)
    assert list(result.offsets) == sorted(result.offsets)
    assert all(0 <= offset < len(text) for offset in result.offsets)
    assert result.text == result.text.strip()
    assert not result.text.startswith("/")


def test_order_cards_are_system_text_but_their_order_number_stays() -> None:
    # Written by us in the shape of a chat window's pasted order card.
    assert normalize("咨询订单号：270011223344 商品ID：5566778 衣服少了一件") == "270011223344 衣服少了一件"
    assert normalize("有货吗 [订单编号:270011223344，订单金额:59.90，下单时间:2026-12-01 10:00:00]") == "有货吗 270011223344"
    assert normalize("商品ID:5566 这个有L码吗") == "这个有l码吗"
    assert normalize("我的订单号是多少") == "我的订单号是多少"  # a question about an order number is words


def test_a_message_is_normalised_once_and_the_result_shared_read_only() -> None:
    import dataclasses

    text = "親，這件外套有XL嗎？？？😊"
    first = normalize_with_offsets(text)
    assert normalize_with_offsets(text) is first  # the pipeline, the entity reader and the actions
    assert normalize(text) == first.text
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.text = "changed"  # type: ignore[misc]
    assert normalize_with_offsets(text, max_chars=5).text == first.text[:5].rstrip()


def test_a_huge_message_is_kept_by_the_prefix_that_is_read() -> None:
    from bot.nlu.normalize import _normalized

    huge = "亲在吗" * 400_000
    first = normalize_with_offsets(huge)
    hits = _normalized.cache_info().hits
    assert normalize_with_offsets(huge[: 300 * 4 + 64] + "不同的结尾") is first  # the same key: the prefix
    assert _normalized.cache_info().hits == hits + 1
    assert len(first.text) <= 300


# Texts around the usual cap of 300: words, spaces and emoji, so that a cut can fall anywhere.
long_text = st.lists(st.sampled_from(["亲", "这件", " ", "XL", "😡", "！！！", "https://a.com ", "  "]), max_size=200).map(
    "".join
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(any_text, long_text), st.sampled_from([301, 500, 2000]))
def test_a_longer_cap_gives_what_normalising_afresh_with_it_gives(text: str, max_chars: int) -> None:
    # A longer cap reuses the usual form where that cut nothing; it must be exactly the form
    # normalising with the longer cap from scratch gives.
    from bot.nlu.normalize import _normalized

    afresh = _normalized.__wrapped__(text[: max_chars * 4 + 64], max_chars)
    assert normalize_with_offsets(text, max_chars) == afresh


def test_a_longer_cap_reuses_the_usual_form_of_a_short_message() -> None:
    text = "亲，收到货就是坏的😡 太过分了"
    usual = normalize_with_offsets(text)
    assert normalize_with_offsets(text, max_chars=2000) is usual
    long = "亲 " * 200  # 400 characters once normalised: the usual cap cuts it
    assert len(normalize_with_offsets(long, max_chars=2000).text) > 300
