"""Tests for the rule-based entity reader (bot.nlu.entities) and its number parser."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu.entities import SPAN_KEY, EntityReader, ExtractedEntity
from bot.nlu.lexicon import Lexicon
from bot.nlu.normalize import normalize
from bot.nlu.numbers import as_value, parse_number

CASES_FILE = Path(__file__).parent / "entities.yml"

LEXICON = Lexicon(
    product_names={
        "女款纯棉圆领长袖t恤": "T001",
        "白t": "T001",
        "纯棉t恤": "T001",
        "牛仔裤": "K001",
        "直筒牛仔裤": "K001",
        "小黑裙": "D003",
        "小风扇": "F001",
        "usb风扇": "F001",
    },
    colours=("白色", "黑色", "雾霾蓝色", "米白色", "灰粉色", "薄荷绿色"),
    couriers=("圆通快递", "圆通"),
    materials=("精梳棉",),
    categories=("t恤", "裤子"),
)


@pytest.fixture(scope="module")
def reader() -> EntityReader:
    return EntityReader(LEXICON)


def pairs(entities: List[ExtractedEntity]) -> Set[Tuple[str, Any]]:
    return {(e.entity, e.value) for e in entities}


# (text, expected {(entity, value)}); the whole set must match exactly.
CASES: List[Tuple[str, Set[Tuple[str, Any]]]] = [
    # height: metres with a centimetre part, decimals, cm, keywords
    ("1米8", {("height", 180)}),
    ("一米八", {("height", 180)}),
    ("一米七五", {("height", 175)}),
    ("1米75", {("height", 175)}),
    ("1m75", {("height", 175)}),
    ("1.75米", {("height", 175)}),
    ("1.8m", {("height", 180)}),
    ("一点七米", {("height", 170)}),
    ("180cm", {("height", 180)}),
    ("175厘米", {("height", 175)}),
    ("168公分", {("height", 168)}),
    ("身高175", {("height", 175)}),
    ("身高1.68", {("height", 168)}),
    ("身高一米六", {("height", 160)}),
    ("我高165", {("height", 165)}),
    ("120cm", {("height", 120)}),
    # bare numbers are no heights ...
    ("180", set()),
    ("我165", set()),
    ("高一点的穿什么", set()),
    ("高腰的吗", set()),
    ("高3的学生", set()),
    # ... unless next to a weight
    ("175 140斤", {("height", 175), ("weight", 70)}),
    ("165/110斤", {("height", 165), ("weight", 55)}),
    ("160,50kg", {("height", 160), ("weight", 50)}),
    ("110斤 165", {("weight", 55), ("height", 165)}),
    ("130 110斤", {("weight", 55)}),  # 130 is outside 140-200
    # a cm length of a garment or another body part is no height
    ("衣长60cm", set()),
    ("裤长100cm", set()),
    ("臀围95cm", set()),
    # weight
    ("110斤", {("weight", 55)}),
    ("120斤", {("weight", 60)}),
    ("一百一十斤", {("weight", 55)}),
    ("一百一斤", {("weight", 55)}),
    ("九十五斤", {("weight", 47.5)}),
    ("一百多斤", {("weight", 50)}),
    ("55公斤", {("weight", 55)}),
    ("55kg", {("weight", 55)}),
    ("55KG", {("weight", 55)}),
    ("55千克", {("weight", 55)}),
    ("体重50", {("weight", 50)}),  # below 80: kg
    ("体重110", {("weight", 55)}),  # 80 and above: 斤
    ("体重80", {("weight", 40)}),
    ("体重79", {("weight", 79)}),
    ("体重一百二", {("weight", 60)}),
    ("3斤", set()),  # not a person
    # bust and waist, 尺 = 100/3 cm
    ("胸围90", {("bust", 90)}),
    ("胸围90cm", {("bust", 90)}),
    ("胸86", {("bust", 86)}),
    ("腰围72", {("waist", 72)}),
    ("腰72cm", {("waist", 72)}),
    ("腰围二尺二", {("waist", 73.3)}),
    ("腰围2尺1", {("waist", 70)}),
    ("腰围2.1尺", {("waist", 70)}),
    ("腰围两尺", {("waist", 66.7)}),
    ("二尺二的腰", {("waist", 73.3)}),
    ("尺码表发一下", set()),
    ("高腰72", set()),
    # size
    ("XS", {("size", "XS")}),
    ("s码", {("size", "S")}),
    ("M码", {("size", "M")}),
    ("l码", {("size", "L")}),
    ("穿XL吗", {("size", "XL")}),
    ("XXL", {("size", "2XL")}),
    ("2xl", {("size", "2XL")}),
    ("XXXL", {("size", "3XL")}),
    ("4XL", {("size", "4XL")}),
    ("xxxxl", {("size", "4XL")}),
    ("均码", {("size", "均码")}),
    ("加大码", {("size", "XL")}),
    ("加大", {("size", "XL")}),
    ("加加大", {("size", "2XL")}),
    ("s还是m", {("size", "S"), ("size", "M")}),
    ("all good", set()),
    ("it's ok", set()),
    ("有大码吗", set()),
    # colour
    ("黑的", {("colour", "黑色")}),
    ("黑色", {("colour", "黑色")}),
    ("要蓝的", {("colour", "蓝色")}),
    ("浅蓝色的", {("colour", "浅蓝色")}),
    ("雾霾蓝", {("colour", "雾霾蓝色")}),
    ("米白", {("colour", "米白色")}),
    ("薄荷绿的", {("colour", "薄荷绿色")}),
    ("明白的", set()),
    ("白天能到吗", set()),
    ("网红的款", set()),
    # order id: 12-20 digits; phones and tracking numbers are not
    ("订单261103004512", {("order_id", "261103004512")}),
    ("12345678901234567890", {("order_id", "12345678901234567890")}),
    ("123456789012345678901", set()),
    ("13812345678", set()),
    ("单号YT7412583690215", set()),
    ("https://item.taobao.com/item.htm?id=123456789012", set()),
    # region
    ("新疆", {("region", "新疆")}),
    ("寄西藏", {("region", "西藏")}),
    ("广东省", {("region", "广东")}),
    ("内蒙古自治区", {("region", "内蒙古")}),
    ("寄内蒙包邮吗", {("region", "内蒙古")}),
    ("广西壮族自治区", {("region", "广西")}),
    ("乌鲁木齐", {("region", "新疆")}),
    ("拉萨", {("region", "西藏")}),
    ("深圳", {("region", "广东")}),
    ("杭州市", {("region", "浙江")}),
    ("成都", {("region", "四川")}),
    ("东西藏起来了", set()),
    # product (value = sku, longest name wins)
    ("直筒牛仔裤", {("product", "K001")}),
    ("白t有吗", {("product", "T001")}),
    ("USB风扇", {("product", "F001")}),
    ("女款纯棉圆领长袖T恤", {("product", "T001")}),
    # numbers that are none of the above
    ("我买了3件", set()),
    ("120元", set()),
    ("满99包邮", set()),
    ("48小时发货吗", set()),
    # Traditional and full-width input
    ("身高一米七五 體重一百一十斤", {("height", 175), ("weight", 55)}),
    ("１７５ｃｍ", {("height", 175)}),
    ("１２０斤", {("weight", 60)}),
    ("ＸＬ碼", {("size", "XL")}),
    ("寄到廣東", {("region", "广东")}),
    ("腰圍二尺一", {("waist", 70)}),
    # everything at once
    (
        "親 一米七五 一百一十斤 穿XL嗎 要黑的 寄新疆",
        {
            ("height", 175),
            ("weight", 55),
            ("size", "XL"),
            ("colour", "黑色"),
            ("region", "新疆"),
        },
    ),
    ("一米七五一百一十斤", {("height", 175), ("weight", 55)}),
    ("小黑裙S码", {("product", "D003"), ("size", "S")}),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0] for c in CASES])
def test_read(reader: EntityReader, text: str, expected: Set[Tuple[str, Any]]) -> None:
    assert pairs(reader.read(text)) == expected


def test_values_are_int_when_whole_else_one_decimal(reader: EntityReader) -> None:
    (height,) = reader.read("一米七五")
    assert height.value == 175 and isinstance(height.value, int)
    (weight,) = reader.read("九十五斤")
    assert weight.value == 47.5 and isinstance(weight.value, float)
    (order,) = reader.read("订单261103004512")
    assert isinstance(order.value, str)


def test_spans_refer_to_the_text_passed_in(reader: EntityReader) -> None:
    raw = "親👍 身高１７５ｃｍ 穿ＸＬ嗎"
    entities = {e.entity: e for e in reader.read(raw)}
    assert raw[entities["height"].start : entities["height"].end] == "１７５ｃｍ"
    assert entities["height"].text == "１７５ｃｍ"
    assert entities["size"].text == "ＸＬ"
    # Already normalised text: the spans are the same as on the raw text's normal form.
    normal = normalize(raw)
    assert [(e.entity, e.text) for e in reader.read(normal)] == [
        ("height", "175cm"),
        ("size", "xl"),
    ]


def test_entities_are_spacy_spans(reader: EntityReader) -> None:
    doc = reader.read_doc(normalize("165/110斤 黑色 M码"))
    labels = [(span.label_, span.text) for span in doc.spans[SPAN_KEY]]
    assert labels == [("height", "165"), ("weight", "110斤"), ("colour", "黑色"), ("size", "m")]


def test_lexicon_colours_and_size_names_are_used() -> None:
    lexicon = Lexicon(colours=("卡其",), sizes=("XS", "S", "M", "大童码"))
    reader = EntityReader(lexicon)
    assert pairs(reader.read("卡其的 大童码")) == {("colour", "卡其"), ("size", "大童码")}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("175", 175.0),
        ("1.75", 1.75),
        ("一百一十", 110.0),
        ("一百一", 110.0),
        ("九十五", 95.0),
        ("十五", 15.0),
        ("两百", 200.0),
        ("一百零五", 105.0),
        ("七五", 75.0),
        ("一点七五", 1.75),
        ("三千五", 3500.0),
        ("一万五", 15000.0),
        ("七五一百一十", None),
        ("百", None),
        ("一点", None),
        ("", None),
        ("abc", None),
        ("9" * 400, None),
    ],
)
def test_parse_number(text: str, expected: Any) -> None:
    assert parse_number(text) == expected


def test_as_value() -> None:
    assert as_value(70.0) == 70 and isinstance(as_value(70.0), int)
    assert as_value(2.2 * 100 / 3) == 73.3
    assert as_value(47.5) == 47.5


# Text biased towards numbers, units and keywords so the rules themselves get exercised.
_SHOP_ALPHABET = list(
    "一二两三五七八九十百千零点米斤尺寸身高体重胸围腰公分厘码均加大色的黑白蓝新疆西藏东"
    "0123456789０１２.,/ cmkgxlsm XL 　親體😡👍\u200b\n"
)
shop_text = st.lists(st.sampled_from(_SHOP_ALPHABET), max_size=60).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(), shop_text))
def test_read_never_raises_and_spans_are_valid(reader: EntityReader, text: str) -> None:
    # A module-scoped fixture is fine with hypothesis: it is not rebuilt per example.
    entities = reader.read(text)
    for entity in entities:
        assert 0 <= entity.start < entity.end <= len(text)
        assert entity.text == text[entity.start : entity.end]
        assert entity.value is not None


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(), shop_text))
def test_reading_the_normalisers_output_finds_what_reading_it_afresh_finds(reader: EntityReader, text: str) -> None:
    # The pipeline hands the extractor ChineseNormalizer's output; read_normalized skips the
    # second normalisation `read` would do, and must not change a single entity or offset.
    normalized = normalize(text)
    assert reader.read_normalized(normalized) == reader.read(normalized)


def test_reading_the_normalisers_output_agrees_on_the_labelled_cases(reader: EntityReader) -> None:
    cases = (yaml.safe_load(CASES_FILE.read_text(encoding="utf-8")) or []) if CASES_FILE.exists() else []
    texts = [str(case["text"]) for case in cases] + ["我一米六二，九十八斤，穿S还是M呀？", "單號8812345670021到哪了😭"]
    assert any(reader.read(normalize(text)) for text in texts)  # the comparison below sees entities
    for text in texts:
        normalized = normalize(text)
        assert reader.read_normalized(normalized) == reader.read(normalized), text


def _expected_pairs(case: Dict[str, Any]) -> Set[Tuple[str, Any]]:
    entities = case.get("entities") or {}
    return {(name, value) for name, value in entities.items() if name != "product"}


@pytest.mark.skipif(not CASES_FILE.exists(), reason="tests/nlu/entities.yml not written yet")
def test_f1_on_labelled_cases(reader: EntityReader) -> None:
    cases = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8")) or []
    true_positives = false_positives = false_negatives = 0
    misses = []
    for case in cases:
        expected = _expected_pairs(case)
        found = {p for p in pairs(reader.read(str(case["text"]))) if p[0] != "product"}
        true_positives += len(expected & found)
        false_positives += len(found - expected)
        false_negatives += len(expected - found)
        if expected != found:
            misses.append((case["text"], sorted(expected - found), sorted(found - expected)))
    precision = true_positives / max(1, true_positives + false_positives)
    recall = true_positives / max(1, true_positives + false_negatives)
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    print(f"\nentity F1 on {len(cases)} cases: {f1:.3f} " f"(precision {precision:.3f}, recall {recall:.3f}); misses: {misses}")
    assert f1 >= 0.95, misses
