"""What the chat does with a buyer's 退订 and with an answer to the follow-up question (the
channels' gate, bot/channels/gate.py, calls these before the assistant would)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from bot.clock import Clock
from bot.models import FollowUpAnswer, HandoffReason, Satisfaction
from bot.outreach.ratings import read_rating
from bot.handoff.request import request_handoff
from bot.replies import outreach as outreach_replies
from bot.store import ShopStore



def unsubscribe(store: ShopStore, buyer_id: str, now: datetime) -> str:
    """Opt the buyer out at once (before any further send) and say so."""
    store.opt_out(buyer_id, now)
    return outreach_replies.unsubscribed()


def pending_rating(store: ShopStore, buyer_id: str, text: str) -> Optional[Satisfaction]:
    """The rating in `text`, when `text` is one and the buyer has a follow-up question open (the
    exact rule first: most messages are no rating, and then Redis is not asked)."""
    rating = read_rating(text)
    return rating if rating is not None and store.pending_follow_up(buyer_id) else None


@dataclass(frozen=True)
class FollowUpOutcome:
    text: str
    rating: Satisfaction
    handoff_reason: Optional[HandoffReason]


def answer_follow_up(store: ShopStore, buyer_id: str, text: str, rating: Satisfaction, clock: Clock) -> FollowUpOutcome:
    order_id = store.pending_follow_up(buyer_id)
    if order_id is None:  # answered a moment ago: thank them again, record nothing twice
        return FollowUpOutcome(outreach_replies.follow_up_thanks(rating is Satisfaction.satisfied), rating, None)
    store.record_follow_up_answer(buyer_id, FollowUpAnswer(order_id=order_id, rating=rating, words=text[:500], at=clock()))
    if rating is not Satisfaction.unsatisfied:
        return FollowUpOutcome(outreach_replies.follow_up_thanks(rating is Satisfaction.satisfied), rating, None)
    policy = store.shop().policy
    reason = None
    if policy.follow_up_unhappy_to_human:
        reason = HandoffReason.unhappy_follow_up
        request_handoff(store, buyer_id, buyer_id, reason, text, clock, order_id)
    return FollowUpOutcome(outreach_replies.follow_up_sorry(policy, to_person=reason is not None), rating, reason)
