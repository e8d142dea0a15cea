"""Two intent classifiers voting: DIET and a logistic regression on the same sparse features.

Rasa runs intent classifiers one after another, each overwriting `intent` and `intent_ranking`.
`IntentRankingStash` goes right after the first classifier and keeps its ranking aside;
`IntentRankingAverage` goes after the second and replaces both with their mean.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import StatelessComponent

STASH = "stashed_intent_rankings"


def average_rankings(rankings: List[List[Dict[Text, Any]]]) -> List[Dict[Text, Any]]:
    """Mean confidence per intent over the rankings (an intent missing from one counts 0 there)."""
    totals: Dict[Text, float] = defaultdict(float)
    for ranking in rankings:
        for entry in ranking:
            totals[entry[INTENT_NAME_KEY]] += float(entry[PREDICTED_CONFIDENCE_KEY])
    averaged = [
        {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: total / len(rankings)}
        for name, total in totals.items()
    ]
    return sorted(averaged, key=lambda entry: -entry[PREDICTED_CONFIDENCE_KEY])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentRankingStash(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY)
            if ranking:
                message.set(STASH, (message.get(STASH) or []) + [ranking])
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentRankingAverage(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            rankings = (message.get(STASH) or []) + [message.get(INTENT_RANKING_KEY) or []]
            rankings = [ranking for ranking in rankings if ranking]
            if len(rankings) < 2:
                continue
            averaged = average_rankings(rankings)
            message.set(INTENT, averaged[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, averaged[:10], add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FeatureSafeLogisticRegression(LogisticRegressionClassifier):
    """Rasa's logistic regression, leaving alone a message without text features (empty,
    whitespace, emoji only): Rasa's raises on it, which fails the whole parse. Such a message
    keeps the first classifier's ranking, so the vote is that classifier's alone."""

    def process(self, messages: List[Message]) -> List[Message]:
        with_features = [message for message in messages if message.features_present(TEXT)]
        if with_features:
            super().process(with_features)
        return messages
