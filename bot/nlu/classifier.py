"""The intent classifier: Rasa's logistic regression, made safe for featureless messages and
configurable (C, class weights, which featurizers it reads).

It replaced a vote of DIET and a logistic regression on count vectors (README, "Understanding
buyers": the ablation): on TF-IDF and sentence-embedding features it alone scored higher on
real buyers than with DIET voting beside it, at a fraction of the parse time.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.sparse import csr_matrix, hstack, vstack
from scipy.special import softmax


def sentence_features(message: Message, featurizers: Optional[List[Text]], sparse: bool) -> Optional[Any]:
    """The message's sentence features from `featurizers` (all when none are named), as Rasa's
    `get_sparse_features` / `get_dense_features` give them. A single feature (ours: one
    featurizer of each kind) is read as it is: Rasa deep-copies it first, matrix and all, which
    was 10% of the parse thread's time (py-spy, 50 buyers); several are combined by Rasa."""
    names = featurizers or []
    found = [
        feature
        for feature in message.features
        if feature.attribute == TEXT
        and feature.is_sparse() == sparse
        and feature.type == FEATURE_TYPE_SENTENCE
        and (feature.origin in names or not names)
    ]
    if not found:
        return None
    if len(found) == 1:
        return found[0].features
    combine = message.get_sparse_features if sparse else message.get_dense_features
    combined = combine(TEXT, names)[1]
    return combined.features if combined is not None else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FeatureSafeLogisticRegression(LogisticRegressionClassifier):
    """Rasa's logistic regression with three changes:

    - a message without text features (empty, whitespace, emoji only) is left alone: Rasa's
      raises on it, which fails the whole parse. It keeps an earlier classifier's ranking, or,
      with none before it, an empty intent that the FallbackClassifier turns into nlu_fallback;
    - `C` and `class_weight` are settings (Rasa fixes C=1 and balanced weights);
    - `featurizers` picks which featurizers' sentence features it reads, as DIET's setting does
      (None: all of them). A message missing one of them is left to the classifier before it:
      the sentence encoder skips what a cheaper classifier is already sure of (config.yml).

    And at inference it scores each message from the fitted weights itself (the rows a message's
    features touch, then a softmax), as scikit-learn's multinomial `predict_proba` does: building
    one scipy matrix per message and scikit-learn's checks were most of the classifiers' parse
    time under load (py-spy), several times the arithmetic. Equal to `predict_proba`
    (tests/nlu/test_features.py).
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "class_weight": "balanced", "featurizers": None}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=self.config["C"], class_weight=self.config["class_weight"])
        self._weights_by_feature: Optional[np.ndarray] = None  # coef_ transposed, set on first use

    def train(self, training_data: TrainingData) -> Resource:
        self._weights_by_feature = None
        return super().train(training_data)

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        featurizers = self.config["featurizers"]
        rows = []
        for message in messages:
            sparse = message.get_sparse_features(TEXT, featurizers)[1]
            dense = message.get_dense_features(TEXT, featurizers)[1]
            rows.append(
                hstack(
                    [
                        csr_matrix(sparse.features if sparse else []),
                        csr_matrix(dense.features if dense else []),
                    ]
                )
            )
        return vstack(rows)

    def _has_features(self, message: Message) -> bool:
        featurizers = self.config["featurizers"]
        if featurizers is None:
            return message.features_present(TEXT)
        return all(message.features_present(TEXT, [name]) for name in featurizers)

    def _multinomial(self) -> bool:
        # scikit-learn 1.1's own rule for predict_proba (one-vs-rest otherwise).
        clf = self.clf
        return clf.multi_class == "multinomial" or (
            clf.multi_class == "auto" and clf.classes_.size > 2 and clf.solver != "liblinear"
        )

    def _scores(self, message: Message) -> np.ndarray:
        """The linear scores of one message: its sparse features then its dense ones, as `_create_X` lays them out."""
        if self._weights_by_feature is None:
            self._weights_by_feature = np.ascontiguousarray(self.clf.coef_.T)
        weights = self._weights_by_feature
        featurizers = self.config["featurizers"]
        scores = self.clf.intercept_.copy()
        offset = 0
        sparse = sentence_features(message, featurizers, sparse=True)
        if sparse is not None:
            row = sparse.tocoo(copy=False)
            scores += row.data @ weights[row.col]
            offset = row.shape[1]
        dense = sentence_features(message, featurizers, sparse=False)
        if dense is not None:
            vector = np.ravel(dense)
            scores += vector @ weights[offset : offset + vector.size]
        return scores

    def _rank(self, messages: List[Message]) -> None:
        probabilities = softmax(np.vstack([self._scores(message) for message in messages]), axis=1)
        # Plain str and float, not numpy's: the parse travels in every action payload and tracker
        # copy, and a pickle of a numpy scalar costs 4x a float's (py-spy: the action payload's
        # copy was 11% of the server's Python time at 50 buyers).
        names = [str(name) for name in self.clf.classes_]
        for message, row in zip(messages, probabilities.tolist()):
            ranking = sorted(
                ({INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence} for name, confidence in zip(names, row)),
                key=lambda entry: -entry[PREDICTED_CONFIDENCE_KEY],
            )
            message.set(INTENT, ranking[0], add_to_output=True)
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set("intent_ranking", ranking, add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        with_features = [message for message in messages if self._has_features(message)]
        if with_features and self._multinomial():
            self._rank(with_features)
        elif with_features:
            super().process(with_features)
        for message in messages:
            if not message.get(INTENT):
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
        return messages
