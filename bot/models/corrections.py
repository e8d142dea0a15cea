"""Trainer corrections of what the assistant understood (bot/trainer/corrections.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, List, Optional

from pydantic import Field, root_validator, validator

from bot.models.base import Model


def message_ref(message_id: Optional[str], event_timestamp: Optional[float]) -> str:
    """Rasa's message id, or `ts:` and the event's timestamp for a message without one."""
    if message_id:
        return message_id
    if event_timestamp is None:
        return ""
    try:
        return f"ts:{float(event_timestamp)!r}"
    except (TypeError, ValueError):
        return f"ts:{event_timestamp}"


class CorrectionEntity(Model):
    """An entity in the buyer's text: characters [start, end) of `text`, with its value."""

    entity: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    # The normalised value ("175" for 一米七五); the covered text when not given.
    value: Optional[str] = None

    @validator("value", pre=True)
    def _value_as_text(cls, value: Any) -> Optional[str]:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return None if value is None else str(value)

    @root_validator(skip_on_failure=True)
    def _span_ordered(cls, values: dict) -> dict:
        if values["start"] >= values["end"]:
            raise ValueError("start must be before end")
        return values


class Correction(Model):
    conversation_id: str = Field(min_length=1)
    # Rasa's message id of the UserUttered event; the event's timestamp when there is none.
    message_id: Optional[str] = None
    event_timestamp: Optional[float] = None
    text: str = Field(min_length=1, description="the buyer's original text")
    predicted_intent: Optional[str] = None
    predicted_confidence: Optional[float] = Field(default=None, ge=0, le=1)
    correct_intent: str = Field(min_length=1)
    entities: List[CorrectionEntity] = []
    corrected_by: str = Field(min_length=1)
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))

    @validator("text")
    def _has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the buyer's text is empty")
        return value

    @validator("created_at")
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)

    @root_validator(skip_on_failure=True)
    def _identified_and_spans_inside(cls, values: dict) -> dict:
        if not values.get("message_id") and values.get("event_timestamp") is None:
            raise ValueError("give the message_id or the event_timestamp of the buyer message")
        text = values["text"]
        entities = sorted(values["entities"], key=lambda e: e.start)
        for entity in entities:
            if entity.end > len(text):
                raise ValueError(
                    f"entity {entity.entity!r} span {entity.start}-{entity.end} is outside the " f"text ({len(text)} characters)"
                )
        for first, second in zip(entities, entities[1:]):
            if second.start < first.end:
                raise ValueError(f"entities {first.entity!r} and {second.entity!r} overlap")
        values["entities"] = [e if e.value is not None else e.copy(update={"value": text[e.start : e.end]}) for e in entities]
        return values

    @property
    def message_ref(self) -> str:
        """Identifies the message within its conversation (the store's key part)."""
        return message_ref(self.message_id, self.event_timestamp)
