"""What the chat does with a buyer's 退订 and with an answer to the follow-up question (the
channels' gate, bot/channels/gate.py, calls these before the assistant would)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from bot.clock import Clock
from bot.handoff.request import request_handoff
from bot.models import FollowUpAnswer, HandoffReason, Policy, Satisfaction
from bot.outreach.records import OutreachRecords
from bot.replies import outreach as outreach_replies
from bot.store import ShopStore


def unsubscribe(records: OutreachRecords, buyer_id: str, now: datetime) -> str:
    """Opt the buyer out at once (before any further send) and say so."""
    records.opt_out(buyer_id, now)
    return outreach_replies.unsubscribed()


@dataclass(frozen=True)
class FollowUpOutcome:
    text: str
    rating: Satisfaction
    handoff_reason: Optional[HandoffReason]


def answer_follow_up(
    store: ShopStore,
    records: OutreachRecords,
    buyer_id: str,
    order_id: str,
    policy: Policy,
    text: str,
    rating: Satisfaction,
    clock: Clock,
) -> FollowUpOutcome:
    """`order_id` (the follow-up question's) and `policy` as the gate read them for this message,
    under the conversation's lock (so the question is still open)."""
    records.record_follow_up_answer(buyer_id, FollowUpAnswer(order_id=order_id, rating=rating, words=text[:500], at=clock()))
    if rating is not Satisfaction.unsatisfied:
        return FollowUpOutcome(outreach_replies.follow_up_thanks(rating is Satisfaction.satisfied), rating, None)
    reason = None
    if policy.follow_up_unhappy_to_human:
        reason = HandoffReason.unhappy_follow_up
        request_handoff(store, buyer_id, buyer_id, reason, text, clock, order_id)
    return FollowUpOutcome(outreach_replies.follow_up_sorry(policy, to_person=reason is not None), rating, reason)
