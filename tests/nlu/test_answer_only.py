"""A message that is only a rule-read value is `inform`; anything that asks something is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.answer_only import is_answer_only
from bot.nlu.components import AnswerOnlyIntentClassifier
from bot.nlu.entities import EntityReader
from bot.nlu.lexicon import Lexicon
from bot.nlu.normalize import normalize

LEXICON_FILE = Path(__file__).resolve().parents[2] / "data" / "lexicon" / "shop_lexicon.json"


@pytest.fixture(scope="module")
def reader() -> EntityReader:
    return EntityReader(Lexicon.load(LEXICON_FILE))


def entities_of(reader: EntityReader, text: str) -> List[Dict[str, Any]]:
    return [{"entity": e.entity, "value": e.value, "start": e.start, "end": e.end} for e in reader.read(text)]


@pytest.mark.parametrize(
    "text",
    [
        "165",
        "1.65",
        "165cm",
        "一米六五 一百一十斤",
        "身高165 体重55kg",
        "我165",
        "L码",
        "xl",
        "261126009914",
        "订单号261126009914",
        "新疆",
        "黑色的吧",
        "165 110斤。",
    ],
)
def test_bare_values_are_answers(reader: EntityReader, text: str) -> None:
    normalized = normalize(text)
    assert is_answer_only(normalized, entities_of(reader, normalized))


@pytest.mark.parametrize(
    "text",
    [
        "l码有货吗",
        "165穿什么码",
        "新疆包邮吗",
        "黑色会不会透",
        "261126009914到哪了",
        "不是165",
        "88",
        "55",
        "你好",
        "",
        "   ",
        "😀",
    ],
)
def test_questions_and_plain_words_are_not(reader: EntityReader, text: str) -> None:
    normalized = normalize(text)
    assert not is_answer_only(normalized, entities_of(reader, normalized))


def test_component_replaces_the_guess_and_keeps_the_ranking(reader: EntityReader) -> None:
    guess = {"name": "nlu_fallback", "confidence": 0.4}
    message = Message(
        data={
            TEXT: "165",
            ENTITIES: entities_of(reader, "165"),
            INTENT: guess,
            INTENT_RANKING_KEY: [guess, {"name": "inform", "confidence": 0.3}],
        }
    )
    question = Message(
        data={TEXT: "165穿什么码", ENTITIES: entities_of(reader, "165穿什么码"), INTENT: {"name": "ask_size", "confidence": 0.9}}
    )

    AnswerOnlyIntentClassifier().process([message, question])

    assert message.get(INTENT) == {"name": "inform", "confidence": 1.0}
    assert [entry["name"] for entry in message.get(INTENT_RANKING_KEY)] == ["inform", "nlu_fallback"]
    assert question.get(INTENT)["name"] == "ask_size"
