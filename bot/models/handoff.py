"""Handoffs to human agents: states, typed reasons, the record and its events."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Optional

from pydantic import validator

from bot.models.base import Model


class HandoffState(str, Enum):
    waiting = "waiting"  # a human was asked for; no agent has the chat yet
    claimed = "claimed"  # one agent has the chat
    returned = "returned"  # the agent handed the chat back to the assistant
    closed = "closed"  # the agent closed the chat

    @property
    def with_human(self) -> bool:
        """A person was asked for or has the chat (the handoff is open)."""
        return self in (HandoffState.waiting, HandoffState.claimed)


class HandoffReason(str, Enum):
    """Why a person was asked for. The values are stable English (logs, the requests stream, the
    metrics counters); people read them through bot/labels.py. An order the reason concerns is
    kept beside it (Handoff.order_id), never inside it, so each reason is one kind, not one per order."""

    buyer_asked = "buyer_asked"
    not_understood = "not_understood"
    quality_complaint = "quality_complaint"
    buyer_upset = "buyer_upset"
    refund_over_limit = "refund_over_limit"
    action_failed = "action_failed"
    repeated_answer = "repeated_answer"
    policy_follow_up = "policy_follow_up"
    late_dispatch = "late_dispatch"
    human_first = "human_first"
    unhappy_follow_up = "unhappy_follow_up"
    other = "other"  # only for an old record whose free-text reason matches nothing below

    @classmethod
    def read(cls, text: str) -> "HandoffReason":
        """A reason as stored: today's value, or a free-text reason written before reasons were
        typed (handoff hashes, the requests stream, metrics counters), read by its old prefix."""
        try:
            return cls(text)
        except ValueError:
            return next((reason for prefix, reason in _LEGACY_REASONS if text.startswith(prefix)), cls.other)


# The English sentences reasons were written as before they were typed, by their fixed beginnings.
_LEGACY_REASONS = (
    ("buyer asked for a", HandoffReason.buyer_asked),
    ("assistant did not understand", HandoffReason.not_understood),
    ("quality complaint", HandoffReason.quality_complaint),
    ("buyer is upset", HandoffReason.buyer_upset),
    ("refund on order", HandoffReason.refund_over_limit),
    ("action ", HandoffReason.action_failed),
    ("the assistant kept giving the same answer", HandoffReason.repeated_answer),
    ("shop policy follow-up", HandoffReason.policy_follow_up),
    ("order ", HandoffReason.late_dispatch),  # "order <id> is late for dispatch"
    ("the shop serves new chats in person first", HandoffReason.human_first),
    ("unhappy with order", HandoffReason.unhappy_follow_up),
)


class Handoff(Model):
    """The current (or last) handoff of one conversation."""

    conversation_id: str
    buyer_id: str
    reason: HandoffReason
    state: HandoffState
    created_at: datetime
    last_message: str = ""
    order_id: Optional[str] = None
    claimed_by: Optional[str] = None
    claimed_at: Optional[datetime] = None
    ended_by: Optional[str] = None
    ended_at: Optional[datetime] = None
    # When the buyer was told, once, that the agent is taking long (handoff_wait_minutes).
    wait_update_at: Optional[datetime] = None

    _old_reasons_read = validator("reason", pre=True, allow_reuse=True)(
        lambda value: HandoffReason.read(value) if isinstance(value, str) else value
    )


class HandoffEventKind(str, Enum):
    requested = "requested"
    claimed = "claimed"
    replied = "replied"
    handed_back = "handed_back"
    closed = "closed"


class HandoffEvent(Model):
    """One entry of the durable handoff log (a Redis stream)."""

    kind: HandoffEventKind
    conversation_id: str
    at: datetime
    agent: Optional[str] = None
    text: str = ""  # the reason for `requested`, the agent's words for `replied`


class HandoffChange(str, Enum):
    """What an atomic change of a handoff did."""

    done = "done"
    missing = "missing"  # the conversation has never been handed off
    taken = "taken"  # another agent holds the chat
    ended = "ended"  # the handoff is already over (handed back or closed)
