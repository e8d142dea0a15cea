"""When a chat should go to a human even though the assistant could answer: pure rules.

Other triggers live where they happen: the buyer asking (actions/chat.ActionHandoff), twice not
understood (ActionUnclear), a failing action (actions/base.ShopAction), a quality complaint
(actions/aftersales.ActionComplainQuality).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Optional

from bot.models import Handoff, HandoffMode, HandoffState, Order, OrderStatus, Policy
from bot.nlu.normalize import normalize

# Words of an upset buyer, as the normaliser writes them (😡/🤬/😠 become 生气, 👎 becomes 差评).
ANGRY_WORDS = (
    "生气",
    "气死",
    "垃圾",
    "差评",
    "投诉",
    "骗子",
    "骗人",
    "坑人",
    "黑店",
    "举报",
    "12315",
    "太过分",
)

# Orders whose refund moves money: nothing to refund when unpaid, nothing left when returned.
_REFUNDABLE = (OrderStatus.paid, OrderStatus.shipped, OrderStatus.delivered)


def is_angry(text: str) -> bool:
    """Whether the message reads as an upset buyer (keywords and angry emoji)."""
    normalized = normalize(text or "", max_chars=2000)
    return any(word in normalized for word in ANGRY_WORDS)


def refund_needs_human(policy: Policy, order: Order) -> bool:
    """The shop's rule: returns/refunds on orders above `handoff_refund_over` yuan go to a human."""
    limit = policy.handoff_refund_over
    return limit is not None and order.status in _REFUNDABLE and order.total > limit


# -- while a chat is handed off ------------------------------------------------------------------
# The seed's first rule: a buyer gets an instant reply in every state. The assistant goes silent
# only while a person has actually taken the chat, or, for a shop that serves people first
# (human_first), while an agent is online to take it and has not yet let it wait too long.


def _waited(handoff: Handoff, policy: Policy, now: datetime) -> bool:
    return now - handoff.created_at >= timedelta(minutes=policy.handoff_wait_minutes)


def assistant_answers(handoff: Optional[Handoff], policy: Policy, in_hours: bool, agent_online: bool, now: datetime) -> bool:
    """Whether the assistant answers a buyer message (else it is only recorded for the agent).
    `now` is wall-clock time (how long the buyer really waited)."""
    if handoff is None or not handoff.state.with_human:
        return True
    if handoff.state is HandoffState.claimed:
        return False
    if policy.handoff_mode is HandoffMode.human_first and in_hours and agent_online:
        return _waited(handoff, policy, now)
    return True


def queues_new_chat(policy: Policy, in_hours: bool, agent_online: bool, ever_handed_off: bool) -> bool:
    """human_first: a new chat goes to the queue before the assistant says anything."""
    return policy.handoff_mode is HandoffMode.human_first and in_hours and agent_online and not ever_handed_off


def owes_wait_update(handoff: Optional[Handoff], policy: Policy, in_hours: bool, now: datetime) -> bool:
    """A chat still waiting after handoff_wait_minutes of working hours gets one update."""
    return (
        handoff is not None
        and handoff.state is HandoffState.waiting
        and handoff.wait_update_at is None
        and in_hours
        and _waited(handoff, policy, now)
    )


def has_words(text: str) -> bool:
    """Whether a message holds any letter or digit: empty, whitespace, emoji-only and
    control-character messages get a polite answer but never count as 'not understood'."""
    return any(unicodedata.category(char)[0] in "LN" for char in text or "")
