"""The intent classifier: Rasa's logistic regression, made safe for featureless messages and
configurable (C, class weights, which featurizers it reads).

It replaced a vote of DIET and a logistic regression on count vectors (README, "Understanding
buyers": the ablation): on TF-IDF and sentence-embedding features it alone scored higher on
real buyers than with DIET voting beside it, at a fraction of the parse time.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack


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
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "class_weight": "balanced", "featurizers": None}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=self.config["C"], class_weight=self.config["class_weight"])

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

    def process(self, messages: List[Message]) -> List[Message]:
        with_features = [message for message in messages if self._has_features(message)]
        if with_features:
            super().process(with_features)
        for message in messages:
            if not message.get(INTENT):
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
        return messages
