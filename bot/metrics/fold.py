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
  fallback) or Rasa's default fallback;
- a turn ends at the `action_listen` after its buyer message, with the `behaviour` and
  `answer_source` slots its actions set. It is *answered* by a knowledge entry (`answer_source`)
  or an intent (`answer:<intent>`); the answer is *precise* unless the turn before asked back
  (猜你想问); it is *followed by unsure* when this or one of the next two turns asks back or hands
  off; a follow-up rating counts for every answer given to the buyer since their last rating;
- a turn is *missed* (the questions nobody answered, bot/mining/) when it asked back, was not
  understood, or went to a person for any reason but the buyer asking for one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple

from pydantic import BaseModel

from bot.behaviours import ANSWER_SOURCE_SLOT, BEHAVIOUR_SLOT, CLARIFY, HANDOFF
from bot.models import HandoffReason

HANDOFF_SLOT = "handoff_reason"
SATISFACTION_SLOT = "satisfaction"  # bot/outreach/answers.py sets it with each follow-up answer
NOT_UNDERSTOOD_ACTIONS = frozenset({"action_unclear", "action_default_fallback"})
UNCLEAR_TEXT_CHARS = 60  # enough for a trainer to recognise the message
MISSED_TEXT_CHARS = 200  # a missed message may become a knowledge entry's question: kept whole
FOLLOW_TURNS = 2  # an answer followed by asking back or a person this many turns later did not settle it
# A handoff the buyer asked for is no question the assistant failed to answer.
ASKED_FOR_A_PERSON_INTENTS = ("request_human",)


def as_text(value: Any) -> str:
    """A Redis reply as text, whether or not the client decodes replies."""
    return value.decode() if isinstance(value, bytes) else str(value)


def hour_of(timestamp: float) -> str:
    """The UTC hour a moment falls in, as the key part `YYYYMMDDHH`."""
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y%m%d%H")


class MissedMessage(BaseModel):
    """A buyer message the assistant did not answer (asked back or handed off): what the mining
    page groups, and what a trainer's mark needs to name it."""

    text: str
    conversation_id: str
    message_id: Optional[str] = None
    timestamp: float
    behaviour: str  # `clarify` or `handoff`
    intent: Optional[str] = None
    confidence: Optional[float] = None


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
    # The turn under way (from its buyer message to the next action_listen) and the one before.
    turn: int = 0
    turn_open: bool = False
    turn_message: Optional[MissedMessage] = None  # the buyer message, as it would be kept if missed
    turn_behaviour: str = ""
    turn_source: str = ""
    turn_unclear: bool = False
    turn_handoff: str = ""  # the handoff reason set this turn
    previous_behaviour: str = ""
    # Answers whose next FOLLOW_TURNS turns are still to come: [source, hour, turn].
    pending: List[Tuple[str, str, int]] = []
    # Sources answered since the buyer's last follow-up rating (carried into new sessions).
    unrated: List[str] = []

    def to_hash(self) -> Dict[str, str]:
        # From the fields as they are, not pydantic's `dict()`, which rebuilds every value and
        # was most of the consumer's write (65 against 12 µs a state). Its only change was the
        # nested message, whose fields are plain values (tests/unit/metrics/test_fold.py).
        values = dict(self.__dict__)
        if self.turn_message is not None:
            values["turn_message"] = dict(self.turn_message.__dict__)
        return {name: "" if value is None else _hash_value(value) for name, value in values.items()}

    @classmethod
    def from_hash(cls, raw: Dict[str, str]) -> "ConversationState":
        fields = {k: v for k, v in raw.items() if k in cls.__fields__ and v != ""}
        for name in ("pending", "unrated", "turn_message"):
            if name in fields:
                fields[name] = json.loads(fields[name])
        return cls.parse_obj(fields)


_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False), built once


def _hash_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(int(value))
    return _json(value) if isinstance(value, (list, dict)) else str(value)


@dataclass
class Fold:
    """What one event adds: the conversation's new state and the counters to move."""

    state: ConversationState
    counts: Dict[Tuple[str, str], int] = field(default_factory=dict)  # (hour, field) -> +n
    first_reply: Optional[Tuple[str, int]] = None  # (hour, ms)
    unclear: Optional[Tuple[str, str]] = None  # (hour, text)
    missed: Optional[Tuple[str, MissedMessage]] = None  # (hour, message)
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
        return Fold(ConversationState(session_start=stamp, unrated=state.unrated))
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
        _open_turn(new, conversation_id, event, intent)
    elif kind == "action" and event.get("name") == "action_listen":
        if new.turn_open:
            _close_turn(new, result)
    elif kind == "action" and event.get("name") in NOT_UNDERSTOOD_ACTIONS:
        new.turn_unclear = new.turn_open
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
            for source in new.unrated:
                result.add(hour_of(stamp), f"rated:{source}")
                if event["value"] == "satisfied":
                    result.add(hour_of(stamp), f"satisfied:{source}")
            new.unrated = []
    elif kind == "slot" and event.get("name") in (BEHAVIOUR_SLOT, ANSWER_SOURCE_SLOT):
        if new.turn_open:
            value = event.get("value") or ""
            if event["name"] == BEHAVIOUR_SLOT:
                new.turn_behaviour = value
            else:
                new.turn_source = value
    elif kind == "slot" and event.get("name") == HANDOFF_SLOT and event.get("value"):
        if new.turn_open and not new.turn_handoff:
            new.turn_handoff = str(event["value"])
        # A new session carries the slot over before its first buyer message: not counted then.
        if new.counted and not new.handed_off:
            new.handed_off = True
            result.add(new.hour, "handed_off")
            result.add(new.hour, f"reason:{event['value']}")
    return result


def _open_turn(state: ConversationState, conversation_id: str, event: Dict[str, Any], intent: Optional[str]) -> None:
    if state.turn_open:  # the last turn never reached action_listen (an action failed): it ends here
        state.previous_behaviour = state.turn_behaviour
    confidence = ((event.get("parse_data") or {}).get("intent") or {}).get("confidence")
    state.turn += 1
    state.turn_open = True
    state.turn_message = MissedMessage(
        text=(event.get("text") or "").strip()[:MISSED_TEXT_CHARS],
        conversation_id=conversation_id,
        message_id=event.get("message_id") or None,
        timestamp=float(event["timestamp"]),
        behaviour="",
        intent=intent,
        confidence=confidence if isinstance(confidence, (int, float)) else None,
    )
    state.turn_behaviour = state.turn_source = state.turn_handoff = ""
    state.turn_unclear = False
    state.pending = [p for p in state.pending if p[2] >= state.turn - FOLLOW_TURNS]


def answer_source(behaviour: str, source: str) -> Optional[str]:
    """What answered a turn: `knowledge:<key>`, `intent:<name>`, or None (no answer)."""
    if source.startswith("knowledge:"):
        return source
    if behaviour.startswith("answer:"):
        return f"intent:{behaviour[len('answer:'):]}"
    return None


def _close_turn(state: ConversationState, result: Fold) -> None:
    message = state.turn_message
    hour = hour_of(message.timestamp) if message else state.last_hour
    behaviour = state.turn_behaviour
    source = answer_source(behaviour, state.turn_source)
    if source:
        result.add(hour, f"answered:{source}")
        if state.previous_behaviour != CLARIFY:
            result.add(hour, f"precise:{source}")
        state.pending = state.pending + [(source, hour, state.turn)]
        if source not in state.unrated:
            state.unrated = state.unrated + [source]
    asked_for_person = (state.turn_handoff and HandoffReason.read(state.turn_handoff) is HandoffReason.buyer_asked) or (
        message and message.intent in ASKED_FOR_A_PERSON_INTENTS
    )
    if behaviour in (CLARIFY, HANDOFF) or state.turn_unclear or state.turn_handoff:
        for pending_source, pending_hour, _ in state.pending:
            result.add(pending_hour, f"unsure_after:{pending_source}")
        state.pending = []
    if (
        message
        and message.text
        and (behaviour == CLARIFY or state.turn_unclear or (behaviour == HANDOFF and not asked_for_person))
    ):
        result.missed = (hour, message.copy(update={"behaviour": HANDOFF if behaviour == HANDOFF else CLARIFY}))
    state.previous_behaviour = behaviour
    state.turn_open = False
    state.turn_message = None


def hours_between(since: datetime, until: datetime) -> List[str]:
    """The UTC hour keys of [since, until)."""
    start = int(since.timestamp()) // 3600
    end = -(-int(until.timestamp()) // 3600)
    return [hour_of(h * 3600) for h in range(start, end)]
