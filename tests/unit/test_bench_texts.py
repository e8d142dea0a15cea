"""The load benchmark's buyer texts: mostly distinct, varied, the same for both bots, and never
a line of ../shared/eval."""

from __future__ import annotations

import pytest

from bot.bench_load.texts import TURNS_PER_CHAT, BuyerTexts, chinese_number, distinct_share, evaluation_texts
from bot.evaluation import REAL_BUYER_FILE


def test_at_least_nine_in_ten_texts_are_distinct() -> None:
    texts = BuyerTexts()
    sent = [text for n in range(1500) for text in texts.chat(n)]
    assert len(sent) == 1500 * TURNS_PER_CHAT
    assert distinct_share(sent) >= 0.9


def test_both_bots_get_the_same_texts_per_chat() -> None:
    texts = BuyerTexts()
    first = [texts.chat(n) for n in (7, 3, 7000)]
    assert [texts.chat(n) for n in (7, 3, 7000)] == first
    assert BuyerTexts().chat(3) == first[1]  # the same seed, a new run: the same chat
    assert texts.turn(3, TURNS_PER_CHAT + 1) == first[1][1]


def test_texts_carry_the_colloquial_variety() -> None:
    sent = [text for n in range(600) for text in BuyerTexts().chat(n)]
    joined = "".join(sent)
    for mark in ("亲", "親", "這", "斤", "kg", "😊", "包油", "一米"):
        assert mark in joined, mark
    assert any(len(token) == 12 and token.isdigit() for text in sent for token in text.split())  # order ids


def test_chinese_numbers() -> None:
    assert [chinese_number(n) for n in (5, 10, 65, 110, 105, 180)] == ["五", "十", "六十五", "一百一十", "一百零五", "一百八十"]


@pytest.mark.skipif(not REAL_BUYER_FILE.exists(), reason="../shared/eval is not beside the project")
def test_no_text_is_a_line_of_the_evaluation_files() -> None:
    evaluation = evaluation_texts()
    assert len(evaluation) > 100
    sent = {text.strip() for n in range(3000) for text in BuyerTexts(avoid=evaluation).chat(n)}
    assert sent & evaluation == set()
    # without the guard, generic texts do collide: the check above is not vacuous
    assert {text.strip() for n in range(3000) for text in BuyerTexts().chat(n)} & evaluation
