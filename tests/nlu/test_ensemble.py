"""The two intent classifiers' vote (bot/nlu/ensemble.py)."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.ensemble import IntentRankingAverage, IntentRankingStash, average_rankings


def ranking(**confidences: float):
    return [{"name": name, "confidence": value} for name, value in confidences.items()]


def test_the_mean_decides_and_a_missing_intent_counts_zero() -> None:
    averaged = average_rankings([ranking(bargain=0.6, ask_gift=0.4), ranking(ask_gift=0.9, greet=0.1)])
    assert [entry["name"] for entry in averaged] == ["ask_gift", "bargain", "greet"]
    assert averaged[0]["confidence"] == pytest.approx(0.65)
    assert averaged[1]["confidence"] == pytest.approx(0.3)


def test_stash_then_average_over_two_classifiers() -> None:
    message = Message(data={TEXT: "能送个小礼物吗"})
    message.set(INTENT_RANKING_KEY, ranking(bargain=0.55, ask_gift=0.45))  # the first classifier
    IntentRankingStash().process([message])
    message.set(INTENT_RANKING_KEY, ranking(ask_gift=0.8, bargain=0.2))  # the second overwrites it
    IntentRankingAverage().process([message])
    assert message.get(INTENT)["name"] == "ask_gift"
    assert message.get(INTENT)["confidence"] == pytest.approx(0.625)


def test_one_ranking_alone_is_left_as_it_is() -> None:
    message = Message(data={TEXT: "你好"})
    message.set(INTENT, {"name": "greet", "confidence": 0.9})
    message.set(INTENT_RANKING_KEY, ranking(greet=0.9))
    IntentRankingAverage().process([message])
    assert message.get(INTENT) == {"name": "greet", "confidence": 0.9}


def test_a_message_without_features_keeps_the_first_classifiers_ranking(tmp_path) -> None:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.nlu.ensemble import FeatureSafeLogisticRegression

    classifier = FeatureSafeLogisticRegression(
        FeatureSafeLogisticRegression.get_default_config(), "lr", LocalModelStorage(tmp_path), Resource("lr")
    )
    empty = Message(data={TEXT: ""})
    empty.set(INTENT_RANKING_KEY, ranking(greet=0.7))
    assert classifier.process([empty]) == [empty]  # untrained: it would fail if it touched it
    assert empty.get(INTENT_RANKING_KEY) == ranking(greet=0.7)
