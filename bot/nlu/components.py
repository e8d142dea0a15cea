"""Rasa 3.6 graph components: the Chinese normaliser and the rule-based shop entity extractor.

Pipeline: config.yml (these two run first, then the featurizers and the classifier).

Why ChineseNormalizer is registered as a MESSAGE_FEATURIZER: the default recipe runs only
tokenizers and featurizers over the *training data* (``process_training_data``), in pipeline
order. Registered as an intent classifier or entity extractor it would run at inference only, and
the classifier would be trained on text it never sees. MESSAGE_FEATURIZER rather than
MESSAGE_TOKENIZER because it produces no tokens (Rasa's one-tokenizer check counts only
``Tokenizer`` subclasses, so either type would pass validation).
"""

from __future__ import annotations

import bisect
import hashlib
import inspect
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import normalize as normalize_module
from bot.nlu.answer_only import INFORM_INTENT, is_answer_only
from bot.nlu.lexicon import Lexicon
from bot.nlu.normalize import Normalized, normalize_with_offsets

logger = logging.getLogger(__name__)

ORIGINAL_TEXT = "original_text"
_INTENT_PREFIX = "/"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _normalized_span(normalized: Normalized, start: int, end: int) -> Optional[Tuple[int, int]]:
    """Span of the normalised text that came from input span [start, end); None if all gone."""
    first = bisect.bisect_left(normalized.offsets, start)
    last = bisect.bisect_left(normalized.offsets, end)
    return (first, last) if first < last else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ChineseNormalizer(GraphComponent):
    """Replaces the message text with ``normalize(text)``; the raw text stays in ``original_text``.

    Must come first in the pipeline, before the tokenizer. Annotated entity offsets in
    training examples are moved to the normalised text.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "max_chars": 300,
            # True: leave messages starting with "/" alone so Rasa's /intent{...} shortcut (and
            # button payloads) keep working. False: a buyer's "/" is plain text.
            "allow_intent_syntax": False,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._max_chars = int(config.get("max_chars", 300))
        self._allow_intent_syntax = bool(config.get("allow_intent_syntax", False))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ChineseNormalizer":
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # Rasa caches the normalised training data keyed on this class's source only; a change
        # to the normalisation rules must invalidate that cache.
        return _sha256(inspect.getsource(normalize_module).encode("utf-8"))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._normalize(example, move_entities=True)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize(message, move_entities=False)
        return messages

    def _normalize(self, message: Message, move_entities: bool) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or not text:
            return
        if message.get(ORIGINAL_TEXT) is not None:
            return  # already normalised (e.g. the same message object processed twice)
        if self._allow_intent_syntax and text.lstrip().startswith(_INTENT_PREFIX):
            return
        normalized = normalize_with_offsets(text, self._max_chars)
        if move_entities and not normalized.text:
            # An emoji-only training example would become an example without features.
            logger.warning(f"Training example {text!r} is empty once normalised; kept as is.")
            return
        if move_entities and message.get(ENTITIES):
            message.set(ENTITIES, self._moved_entities(message.get(ENTITIES), normalized, text))
        message.set(ORIGINAL_TEXT, text, add_to_output=True)
        message.set(TEXT, normalized.text, add_to_output=True)

    @staticmethod
    def _moved_entities(entities: List[Dict[Text, Any]], normalized: Normalized, text: str) -> List[Dict[Text, Any]]:
        moved = []
        for entity in entities:
            span = _normalized_span(normalized, entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END])
            if span is None:
                logger.warning(f"Entity {entity} disappears when normalising {text!r}; dropped.")
                continue
            moved.append({**entity, ENTITY_ATTRIBUTE_START: span[0], ENTITY_ATTRIBUTE_END: span[1]})
        return moved


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class ShopEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Rule-based entities (bot.nlu.entities) with the shop lexicon shipped inside the model."""

    LEXICON_FILE = "shop_lexicon.json"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"lexicon_path": "data/lexicon/shop_lexicon.json", "max_chars": 300}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy", "jieba", "opencc"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        lexicon: Optional[Lexicon] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._reader = None
        if lexicon is not None:
            from bot.nlu.entities import EntityReader  # spaCy import: only when predicting

            self._reader = EntityReader(lexicon, int(config.get("max_chars", 300)))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ShopEntityExtractor":
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # The lexicon file is outside the graph: without this, a changed file would be
        # ignored because Rasa reuses the cached training result.
        path = Path(config.get("lexicon_path") or "")
        return _sha256(path.read_bytes()) if path.is_file() else None

    def train(self, training_data: TrainingData) -> Resource:
        """Copy the lexicon file into the model so the model works without the data files."""
        path = Path(self._config["lexicon_path"])
        if not path.is_file():
            raise FileNotFoundError(
                f"{self.__class__.__name__}: lexicon {path} not found; create it with "
                f"`python -m bot.nlu.lexicon DATA_FILE --lexicon {path}`."
            )
        lexicon = Lexicon.load(path)
        with self._model_storage.write_to(self._resource) as directory:
            lexicon.save(Path(directory) / self.LEXICON_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ShopEntityExtractor":
        with model_storage.read_from(resource) as directory:
            lexicon = Lexicon.load(Path(directory) / cls.LEXICON_FILE)
        return cls(config, model_storage, resource, lexicon)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._reader is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                continue
            try:
                found = self._rasa_entities(text, normalized=message.get(ORIGINAL_TEXT) is not None)
            except Exception:  # a rule bug must not take the whole bot down
                logger.exception(f"{self.name} failed on {text!r}")
                continue
            message.set(ENTITIES, self._merge(message.get(ENTITIES, []), found), add_to_output=True)
        return messages

    def _rasa_entities(self, text: str, normalized: bool = False) -> List[Dict[Text, Any]]:
        """`normalized`: `text` is ChineseNormalizer's output (it kept the original beside it)."""
        assert self._reader is not None
        entities = self._reader.read_normalized(text) if normalized else self._reader.read(text)
        return [
            {
                ENTITY_ATTRIBUTE_TYPE: entity.entity,
                ENTITY_ATTRIBUTE_VALUE: entity.value,
                ENTITY_ATTRIBUTE_START: entity.start,
                ENTITY_ATTRIBUTE_END: entity.end,
                ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,  # "confidence": what the actions read
                ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,  # "confidence_entity", read by rasa test
                EXTRACTOR: self.name,
            }
            for entity in entities
        ]

    def _merge(self, existing: List[Dict[Text, Any]], found: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        """Ours replace same-type entities over the same text (they carry normalised values)."""

        def covered(other: Dict[Text, Any]) -> bool:
            return any(
                other.get(ENTITY_ATTRIBUTE_TYPE) == ours[ENTITY_ATTRIBUTE_TYPE]
                and other.get(ENTITY_ATTRIBUTE_START, -1) < ours[ENTITY_ATTRIBUTE_END]
                and ours[ENTITY_ATTRIBUTE_START] < other.get(ENTITY_ATTRIBUTE_END, -1)
                for ours in found
            )

        return [entity for entity in existing if not covered(entity)] + found


class StatelessComponent(GraphComponent):
    """A component with no configuration and nothing to train or load."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AnswerOnlyIntentClassifier(StatelessComponent):
    """Marks a message that is only a rule-read value ("165", "L码", an order id) as ``inform``.

    Goes after the intent classifier and before FallbackClassifier: the rule's verdict is certain, so it
    replaces the classifier's guess at confidence 1.0 and no fallback fires (see
    bot.nlu.answer_only for why).
    """

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not is_answer_only(text, message.get(ENTITIES) or []):
                continue
            ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get(INTENT_NAME_KEY) != INFORM_INTENT]
            intent = {INTENT_NAME_KEY: INFORM_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)
        return messages
