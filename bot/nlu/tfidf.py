"""Character n-gram TF-IDF sentence features (Rasa's CountVectorsFeaturizer has no TF-IDF).

Counts weigh a frequent character (的, 吗) like a rare, telling one (邮, 码); TF-IDF with a
sublinear term frequency and L2 rows does not, and a linear model on it alone scored 0.80
macro-F1 on real buyers against 0.78 for counts (README, "Understanding buyers"). Characters
rather than jieba words: robust to a product word jieba splits wrongly, and to typos.

The fitted vocabulary and IDF weights are stored as JSON and a numpy array, not a pickle.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer

_VOCABULARY_FILE = "vocabulary.json"
_IDF_FILE = "idf.npy"


def _vectorizer(config: Dict[Text, Any]) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char",
        ngram_range=(config["min_ngram"], config["max_ngram"]),
        sublinear_tf=config["sublinear_tf"],
        lowercase=False,  # the normaliser already lower-cased; keep what it produced
        dtype=np.float32,
    )


class TfidfRows:
    """One message's TF-IDF row from the fitted vocabulary and IDF weights: scikit-learn's
    `transform` (sublinear term frequency, IDF, L2 norm) without its per-call checks and sparse
    matrix products, which were most of this featurizer's time per message under load (py-spy).
    Equal to `transform` (tests/nlu/test_features.py, tests/unit/knowledge/test_matching.py)."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self._ngrams: Callable[[str], List[str]] = vectorizer.build_analyzer()
        self._vocabulary: Dict[str, int] = vectorizer.vocabulary_
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self._sublinear = vectorizer.sublinear_tf
        self._dtype = vectorizer.dtype

    def weights(self, text: str) -> Tuple[np.ndarray, np.ndarray]:
        """The row's non-zero columns (ascending) and their values."""
        counts = Counter(index for ngram in self._ngrams(text) if (index := self._vocabulary.get(ngram)) is not None)
        columns = np.array(sorted(counts), dtype=np.int32)
        tf = np.array([counts[column] for column in columns], dtype=np.float64)
        if self._sublinear:
            tf = np.log(tf) + 1.0
        values = tf * self._idf[columns]
        norm = np.sqrt(values.dot(values))  # np.linalg.norm's own sum for a real vector, without its checks
        if norm > 0:
            values /= norm
        return columns, values.astype(self._dtype)

    def row(self, text: str) -> scipy.sparse.coo_matrix:
        columns, values = self.weights(text)
        zeros = np.zeros(len(columns), dtype=np.int32)
        return scipy.sparse.coo_matrix((values, (zeros, columns)), shape=(1, self._idf.size))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class CharTfidfFeaturizer(SparseFeaturizer, GraphComponent):
    """Writes one sparse TF-IDF sentence feature row per message (no sequence features: only
    sentence-level classifiers such as the logistic regression read it)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SparseFeaturizer.get_default_config(), "min_ngram": 1, "max_ngram": 3, "sublinear_tf": True}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if not 1 <= config["min_ngram"] <= config["max_ngram"]:
            raise ValueError("CharTfidfFeaturizer needs 1 <= min_ngram <= max_ngram")

    def __init__(
        self,
        config: Dict[Text, Any],
        name: Text,
        model_storage: ModelStorage,
        resource: Resource,
        vectorizer: Optional[TfidfVectorizer] = None,
    ) -> None:
        super().__init__(name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._vectorizer = vectorizer
        self._rows = TfidfRows(vectorizer) if vectorizer is not None else None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CharTfidfFeaturizer":
        return cls(config, execution_context.node_name, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        texts = [message.get(TEXT) for message in training_data.training_examples if message.get(TEXT)]
        self._vectorizer = _vectorizer(self._config).fit(texts)
        self._rows = TfidfRows(self._vectorizer)
        with self._model_storage.write_to(self._resource) as directory:
            vocabulary = {term: int(index) for term, index in self._vectorizer.vocabulary_.items()}
            (directory / _VOCABULARY_FILE).write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
            np.save(directory / _IDF_FILE, self._vectorizer.idf_)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "CharTfidfFeaturizer":
        with model_storage.read_from(resource) as directory:
            vectorizer = _vectorizer(config)
            vectorizer.vocabulary_ = json.loads((directory / _VOCABULARY_FILE).read_text(encoding="utf-8"))
            vectorizer.idf_ = np.load(directory / _IDF_FILE)
        return cls(config, execution_context.node_name, model_storage, resource, vectorizer)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        if self._rows is None:
            return messages
        # A row for every message with text, all zeros for unseen characters only: a linear model
        # after this needs the same width for every message.
        for message in messages:
            text = message.get(TEXT) or ""
            if text.strip():
                self.add_features_to_message(None, self._rows.row(text), TEXT, message)
        return messages
