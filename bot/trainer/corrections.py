"""Intent corrections: a trainer marks a buyer message with the intent (and entities) it should have.

Corrections live in Redis (bot/trainer/records.py), one per conversation and
message: marking the same message again replaces the earlier mark. `python -m bot
export-corrections` (bot.trainer.export) turns them into Rasa NLU training examples.

The console calls `mark_message`, `mark_event` (with a tracker event as the Rasa HTTP API returns
it), `pending_corrections` and `unmark`; bot.trainer.console_api wraps them as JSON handlers.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from pydantic import ValidationError

from bot.models import Correction, CorrectionEntity, Model, message_ref  # noqa: F401  (their home is bot.models)
from bot.trainer.records import CorrectionRecords
from bot.trainer.vocabulary import Vocabulary


class CorrectionError(ValueError):
    """A mark the trainer must fix: unknown intent or entity, bad span, missing message id."""


EntityInput = Union[CorrectionEntity, Mapping[str, Any]]


def check_against_domain(correction: Correction, vocabulary: Vocabulary) -> None:
    if correction.correct_intent not in vocabulary.intents:
        raise CorrectionError(
            f"unknown intent {correction.correct_intent!r}; the domain's intents are: " + ", ".join(sorted(vocabulary.intents))
        )
    unknown = sorted({e.entity for e in correction.entities} - vocabulary.entities)
    if unknown:
        raise CorrectionError(
            f"unknown entit{'y' if len(unknown) == 1 else 'ies'} {', '.join(map(repr, unknown))}; "
            "the domain's entities are: " + ", ".join(sorted(vocabulary.entities))
        )


def build_correction(vocabulary: Optional[Vocabulary] = None, **fields: Any) -> Correction:
    """A validated Correction; CorrectionError (with every problem) when it is not valid."""
    try:
        correction = Correction(**fields)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'] if p != '__root__') or 'correction'}: {e['msg']}" for e in error.errors()
        )
        raise CorrectionError(problems) from error
    check_against_domain(correction, vocabulary or Vocabulary.from_domain())
    return correction


def mark_message(
    marks: CorrectionRecords,
    *,
    conversation_id: str,
    text: str,
    correct_intent: str,
    corrected_by: str,
    message_id: Optional[str] = None,
    event_timestamp: Optional[float] = None,
    predicted_intent: Optional[str] = None,
    predicted_confidence: Optional[float] = None,
    entities: Iterable[EntityInput] = (),
    vocabulary: Optional[Vocabulary] = None,
    now: Optional[datetime] = None,
) -> Correction:
    """Validate and store a mark; a second mark of the same message replaces the first."""
    fields: Dict[str, Any] = dict(
        conversation_id=conversation_id,
        message_id=message_id,
        event_timestamp=event_timestamp,
        text=text,
        predicted_intent=predicted_intent,
        predicted_confidence=predicted_confidence,
        correct_intent=correct_intent,
        entities=[e if isinstance(e, CorrectionEntity) else dict(e) for e in entities],
        corrected_by=corrected_by,
    )
    if now is not None:
        fields["created_at"] = now
    correction = build_correction(vocabulary, **fields)
    marks.add(correction)
    return correction


def mark_event(
    marks: CorrectionRecords,
    conversation_id: str,
    event: Mapping[str, Any],
    *,
    correct_intent: str,
    corrected_by: str,
    entities: Iterable[EntityInput] = (),
    vocabulary: Optional[Vocabulary] = None,
    now: Optional[datetime] = None,
) -> Correction:
    """Mark a `user` event as found in GET /conversations/{id}/tracker (or tracker.current_state())."""
    if event.get("event") != "user":
        raise CorrectionError(f"only buyer messages can be marked, not {event.get('event')!r} events")
    parse_data = event.get("parse_data") or {}
    intent = parse_data.get("intent") or {}
    return mark_message(
        marks,
        conversation_id=conversation_id,
        text=event.get("text") or "",
        correct_intent=correct_intent,
        corrected_by=corrected_by,
        message_id=event.get("message_id"),
        event_timestamp=event.get("timestamp"),
        predicted_intent=intent.get("name"),
        predicted_confidence=intent.get("confidence"),
        entities=entities,
        vocabulary=vocabulary,
        now=now,
    )


def unmark(marks: CorrectionRecords, conversation_id: str, ref: str) -> bool:
    """Delete a mark (`ref` as in Correction.message_ref); False when there was none."""
    return marks.delete(conversation_id, ref)


def pending_corrections(marks: CorrectionRecords, nlu_dir: Optional[Path] = None) -> List[Correction]:
    """Marks whose text is not yet a training example of their intent under data/nlu/."""
    from bot.trainer.examples import NLU_DIR, ExampleIndex, plain_key

    index = ExampleIndex.read(nlu_dir or NLU_DIR)
    return [c for c in marks.all() if c.correct_intent not in {place.intent for place in index.places(plain_key(c.text))}]
