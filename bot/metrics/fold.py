"""How one conversation event changes the owner's numbers: a pure function, tested without Redis.

Definitions (README, "The shop owner's numbers"):
- a conversation is a buyer's Rasa session with at least one buyer message, counted in the hour
  of its first buyer message;
- its first-reply time runs from that message to the first reply, the assistant's or an agent's;
- it is handed off when a handoff was asked for in it (the `handoff_reason` slot that every
  handoff path sets), counted once, with its first reason, in the conversation's hour;
- satisfaction (csat) is the share of follow-up answers that were satisfied, in the hour answered;
- a buyer message is not understood when the assistant answered it with its "not sure what you
  mean" action (`action_unclear`, which rules run for nlu_fallback, out_of_scope and the core
  fallback) or Rasa's default fallback.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple

from pydantic import BaseModel

HANDOFF_SLOT = "handoff_reason"
SATISFACTION_SLOT = "satisfaction"  # bot/outreach/answers.py sets it with each follow-up answer
NOT_UNDERSTOOD_ACTIONS = frozenset({"action_unclear", "action_default_fallback"})
UNCLEAR_TEXT_CHARS = 60  # enough for a trainer to recognise the message


def as_text(value: Any) -> str:
    """A Redis reply as text, whether or not the client decodes replies."""
    return value.decode() if isinstance(value, bytes) else str(value)


def hour_of(timestamp: float) -> str:
    """The UTC hour a moment falls in, as the key part `YYYYMMDDHH`."""
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y%m%d%H")


class ConversationState(BaseModel):
    """Where a buyer's current session stands, as far as the numbers are concerned."""

    session_start: Optional[float] = None
    counted: bool = False
    hour: str = ""  # of the session's first buyer message
    awaiting_since: Optional[float] = None
    replied: bool = False
    handed_off: bool = False
    last_text: str = ""  # the latest buyer message, cut, and its hour
    last_hour: str = ""
    last_unclear: bool = False  # the latest buyer message is already counted as not understood

    def to_hash(self) -> Dict[str, str]:
        return {k: "" if v is None else str(int(v) if isinstance(v, bool) else v) for k, v in self.dict().items()}

    @classmethod
    def from_hash(cls, raw: Dict[str, str]) -> "ConversationState":
        if not raw:
            return cls()
        number = lambda k: float(raw[k]) if raw.get(k) else None  # noqa: E731
        return cls(
            session_start=number("session_start"),
            counted=raw.get("counted") == "1",
            hour=raw.get("hour", ""),
            awaiting_since=number("awaiting_since"),
            replied=raw.get("replied") == "1",
            handed_off=raw.get("handed_off") == "1",
            last_text=raw.get("last_text", ""),
            last_hour=raw.get("last_hour", ""),
            last_unclear=raw.get("last_unclear") == "1",
        )


@dataclass
class Fold:
    """What one event adds: the conversation's new state and the counters to move."""

    state: ConversationState
    counts: Dict[Tuple[str, str], int] = field(default_factory=dict)  # (hour, field) -> +n
    first_reply: Optional[Tuple[str, int]] = None  # (hour, ms)
    unclear: Optional[Tuple[str, str]] = None  # (hour, text)
    conversation: Optional[Tuple[str, float]] = None  # (member, session start)

    def add(self, hour: str, name: str, n: int = 1) -> None:
        self.counts[(hour, name)] = self.counts.get((hour, name), 0) + n


def item_id(event: Dict[str, Any]) -> Optional[str]:
    """The item a buyer message says the buyer is looking at (channel metadata), if any."""
    item = (event.get("metadata") or {}).get("item_id") if event.get("event") == "user" else None
    return item if isinstance(item, str) and item else None


def fold(state: ConversationState, conversation_id: str, event: Dict[str, Any], skus: Mapping[str, str]) -> Fold:
    """`skus`: the item ids that name a product, each mapped to its sku (any other is not counted)."""
    kind = event.get("event")
    stamp = event.get("timestamp")
    if not isinstance(stamp, (int, float)):
        return Fold(state)
    if kind == "action" and event.get("name") == "action_session_start":
        return Fold(ConversationState(session_start=stamp))
    result = Fold(state.copy())
    new = result.state
    if kind == "user":
        hour = hour_of(stamp)
        result.add(hour, "buyer_messages")
        if not new.counted:
            new.counted, new.hour = True, hour
            new.session_start = new.session_start or stamp
            result.add(hour, "conversations")
            result.conversation = (f"{conversation_id}|{new.session_start}", new.session_start)
        if not new.replied and new.awaiting_since is None:
            new.awaiting_since = stamp
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent:
            result.add(hour, f"intent:{intent}")
        new.last_text = (event.get("text") or "").strip()[:UNCLEAR_TEXT_CHARS]
        new.last_hour, new.last_unclear = hour, False
        sku = skus.get(item_id(event) or "")
        if sku:
            result.add(hour, f"item:{sku}")
    elif kind == "action" and event.get("name") in NOT_UNDERSTOOD_ACTIONS:
        if new.last_hour and not new.last_unclear:
            new.last_unclear = True
            result.add(new.last_hour, "not_understood")
            result.unclear = (new.last_hour, new.last_text)
    elif kind == "bot":
        if new.counted and not new.replied and new.awaiting_since is not None:
            new.replied = True
            result.first_reply = (new.hour, max(0, round((stamp - new.awaiting_since) * 1000)))
    elif kind == "slot" and event.get("name") == SATISFACTION_SLOT and event.get("value"):
        if new.last_hour:  # an answer the buyer just gave (not a value carried into a new session)
            result.add(hour_of(stamp), "csat_responses")
            if event["value"] == "satisfied":
                result.add(hour_of(stamp), "csat_satisfied")
    elif kind == "slot" and event.get("name") == HANDOFF_SLOT and event.get("value"):
        # A new session carries the slot over before its first buyer message: not counted then.
        if new.counted and not new.handed_off:
            new.handed_off = True
            result.add(new.hour, "handed_off")
            result.add(new.hour, f"reason:{event['value']}")
    return result


def hours_between(since: datetime, until: datetime) -> List[str]:
    """The UTC hour keys of [since, until)."""
    start = int(since.timestamp()) // 3600
    end = -(-int(until.timestamp()) // 3600)
    return [hour_of(h * 3600) for h in range(start, end)]
