"""Knowledge entries matched by the owner's keywords and near-copies of their questions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.knowledge.matching import KnowledgeIndex, ambiguous
from bot.loader import DataFileError, parse
from bot.models import KnowledgeEntry, ShopData
from tests.conftest import DEMO_FILE, DEMO_NOW


def entry(key: str, **fields) -> KnowledgeEntry:
    base = {"key": key, "question": f"{key}?", "answer": f"answer of {key}"}
    return KnowledgeEntry(**{**base, **fields})


INVOICE = entry("invoice", question="可以开发票吗", similar=["能开票吗"], keywords=["发票", "开票"])
PRICE = entry("price_protection", question="降价了能退差价吗", keywords=["保价", "退差价"], negative=["能便宜点吗"])


def test_a_keyword_anywhere_finds_its_entry_in_traditional_and_full_width_too() -> None:
    index = KnowledgeIndex([INVOICE, PRICE])
    for text in ("亲 我要保价", "我要保價", "能不能退差价啊"):
        assert index.matches(text, DEMO_NOW)[0].entry.key == "price_protection"
    assert index.matches("發票怎麼開", DEMO_NOW)[0].entry.key == "invoice"


def test_the_longest_keyword_wins() -> None:
    where = entry("invoice_where", keywords=["发票在哪"])
    matches = KnowledgeIndex([INVOICE, where]).matches("我的发票在哪里", DEMO_NOW)
    assert matches[0].entry.key == "invoice_where" and not ambiguous(matches)


def test_a_near_copy_of_a_question_matches_without_a_keyword() -> None:
    plain = entry("wash", question="这件衣服可以机洗吗")
    assert KnowledgeIndex([plain]).matches("这件衣服可以机洗吗？", DEMO_NOW)[0].entry.key == "wash"
    assert KnowledgeIndex([plain]).matches("有没有大码", DEMO_NOW) == []


def test_a_negative_example_vetoes_its_entry() -> None:
    vetoed = entry("discount", question="有折扣吗", keywords=["便宜"], negative=["能便宜点吗"])
    assert KnowledgeIndex([vetoed]).matches("能便宜点吗", DEMO_NOW) == []


def test_disabled_and_expired_entries_are_never_answered() -> None:
    off = entry("coupon", keywords=["优惠券"], enabled=False)
    over = entry("double11", keywords=["双十一"], valid_until=DEMO_NOW - timedelta(days=1))
    later = entry("double12", keywords=["双十二"], valid_from=DEMO_NOW + timedelta(days=1))
    index = KnowledgeIndex([off, over, later])
    assert index.matches("优惠券 双十一 双十二", DEMO_NOW) == []
    assert index.matches("双十二", DEMO_NOW + timedelta(days=2))[0].entry.key == "double12"


def test_two_different_answers_equally_close_are_ambiguous() -> None:
    a = entry("a", topic="invoice", keywords=["发票"])
    b = entry("b", topic="payment_method", keywords=["白条"])
    assert ambiguous(KnowledgeIndex([a, b]).matches("白条能开发票吗", DEMO_NOW))


def _with_knowledge(knowledge) -> dict:
    import yaml

    raw = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    raw["knowledge"] = knowledge
    return raw


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"key": "Bad Key", "question": "q", "answer": "a"}, "key"),
        ({"key": "ok", "question": "q"}, "answer"),
        ({"key": "ok", "question": "q", "answer": "a", "keywords": [" "]}, "keywords.0"),
        (
            {
                "key": "ok",
                "question": "q",
                "answer": "a",
                "valid_from": "2026-12-01T00:00:00+08:00",
                "valid_until": "2026-11-01T00:00:00+08:00",
            },
            "__root__",
        ),
    ],
)
def test_a_bad_entry_is_refused_naming_the_entry_and_field(bad: dict, field: str) -> None:
    with pytest.raises(DataFileError) as error:
        parse(DEMO_FILE, _with_knowledge([bad]))
    message = str(error.value)
    assert "knowledge[0]" in message and field in message


def test_duplicate_keys_are_refused() -> None:
    one = {"key": "same", "question": "q", "answer": "a"}
    with pytest.raises(DataFileError, match="duplicate id"):
        parse(DEMO_FILE, _with_knowledge([one, one]))


def test_the_demo_pack_loads(demo_data: ShopData) -> None:
    assert len(demo_data.knowledge) >= 36
    assert all(e.answer.startswith("亲") for e in demo_data.knowledge)  # the shop's voice


def test_equal_keywords_the_first_named_topic_leads() -> None:
    cheque = entry("cheque", topic="payment_method", keywords=["支票"])
    title = entry("title", topic="invoice", keywords=["抬头"])
    matches = KnowledgeIndex([title, cheque]).matches("支票抬头写什么", DEMO_NOW)
    assert [m.entry.key for m in matches] == ["cheque", "title"]


def test_a_follow_up_word_stays_in_its_topic_only() -> None:
    where = entry("invoice_where", topic="invoice", keywords=["发票在哪"], follow_up_keywords=["邮箱", "电子版"])
    combine = entry("combine_orders", keywords=["一起发"], follow_up_keywords=["一起"])
    index = KnowledgeIndex([INVOICE, where, combine, PRICE])
    found = index.follow_up("是发到我邮箱还是一起发", "invoice", DEMO_NOW)
    assert found is not None and found.entry.key == "invoice_where" and found.keyword == "邮箱"
    assert index.follow_up("是发到我邮箱吗", "price_protection", DEMO_NOW) is None
    assert index.follow_up("好的谢谢", "invoice", DEMO_NOW) is None
