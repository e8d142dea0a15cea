"""Knowledge entries matched by the owner's keywords and near-copies of their questions."""

from __future__ import annotations

from datetime import timedelta
from typing import List

import numpy as np
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


def demo_texts(demo_data: ShopData) -> List[str]:
    """The demo pack's own questions, near-copies and negatives, and buyer texts of our generator."""
    from bot.bench_load.texts import BuyerTexts

    texts = [t for e in demo_data.knowledge for t in (e.question, *e.similar, *e.negative)]
    texts += [t + "呢亲" for t in texts]
    generated = BuyerTexts(seed=3)
    return texts + [t for n in range(40) for t in generated.chat(n)] + ["", "😀", "x" * 500]


def test_similarities_are_scipys_products(demo_data: ShopData) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from bot.knowledge.matching import Similarities, _clean
    from bot.nlu.tfidf import TfidfRows

    questions = [_clean(q) for e in demo_data.knowledge for q in (e.question, *e.similar)]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    matrix = vectorizer.fit_transform(questions)
    similarities, rows = Similarities(matrix), TfidfRows(vectorizer)
    compared = touched = 0
    for text in demo_texts(demo_data):
        clean = _clean(text)
        expected_row = vectorizer.transform([clean])
        columns, values = rows.weights(clean)
        assert list(columns) == list(expected_row.indices[expected_row.indices.argsort()])
        assert np.allclose(values, expected_row.toarray()[0, columns], rtol=0, atol=1e-12)
        expected = (matrix @ expected_row.T).toarray().ravel()
        assert np.allclose(similarities.of(columns, values), expected, rtol=0, atol=1e-12)
        compared += 1
        touched += bool(expected.max(initial=0) >= 0.7)
    assert compared > 300 and touched > 50  # near-copies above the threshold were compared too


def test_the_demo_pack_matches_as_through_scipy(demo_data: ShopData) -> None:
    """The whole index decides as it did with scikit-learn's transform and scipy's product (the
    former code, rewritten here): the same entries, keywords and order, scores within rounding."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from bot.knowledge import matching

    index = KnowledgeIndex(demo_data.knowledge)
    questions = [matching._clean(q) for e in demo_data.knowledge for q in (e.question, *e.similar)]
    negatives = [matching._clean(n) for e in demo_data.knowledge for n in e.negative]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    question_matrix = vectorizer.fit_transform(questions)
    negative_matrix = vectorizer.transform(negatives)

    def through_scipy(clean: str) -> List[tuple]:
        row = vectorizer.transform([clean]).T
        negative = (negative_matrix @ row).toarray().ravel()
        vetoed = {o for o, s in zip(index._negative_owners, negative) if s >= matching.NEGATIVE_THRESHOLD}
        best = {}
        for owner, similarity in zip(index._owners, (question_matrix @ row).toarray().ravel()):
            if similarity >= matching.SIMILARITY_THRESHOLD and similarity > best.get(owner, (0,))[0]:
                best[owner] = (float(similarity), None, 0)
        for owner, keywords in enumerate(index._keywords):
            hits = [k for k in keywords if k in clean]
            if hits:
                longest = max(hits, key=len)
                best[owner] = (matching.KEYWORD_SCORE + len(longest) / 10, longest, clean.index(longest))
        found = [(index.entries[o].key, *m) for o, m in best.items() if o not in vetoed and index.entries[o].live(DEMO_NOW)]
        return sorted(found, key=lambda m: (-m[1], m[3]))

    by_similarity = 0
    for text in demo_texts(demo_data):
        clean = matching._clean(text)
        ours = [(m.entry.key, m.score, m.keyword, m.position) for m in index.matches(text, DEMO_NOW)]
        expected = through_scipy(clean) if clean else []
        assert [(k, w, p) for k, _s, w, p in ours] == [(k, w, p) for k, _s, w, p in expected]
        assert np.allclose([m[1] for m in ours], [m[1] for m in expected], rtol=0, atol=1e-12)
        by_similarity += any(m[2] is None for m in ours)
    assert by_similarity > 20  # matches found by similarity alone were compared, not only keywords
