"""Hand a chat to a human: record the request for the shop and, unless the shop answers only
with the assistant, queue the chat for an agent."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional

from bot.clock import Clock
from bot.handoff.queue import HandoffQueue
from bot.models import HandoffMode, HandoffReason, RequestKind, ShopRequest
from bot.store import ShopStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HandoffOutcome:
    """What the buyer may truthfully be told about the person they asked for."""

    queued: bool  # False in assistant_only: the request is recorded for the shop, not queued
    agent_online: bool  # an agent's console is open right now


def request_handoff(
    store: ShopStore,
    conversation_id: str,
    buyer_id: str,
    reason: HandoffReason,
    last_message: str,
    clock: Clock,
    order_id: Optional[str] = None,
) -> HandoffOutcome:
    """The assistant keeps answering while the chat waits; it goes silent only once an agent
    claims it (bot.handoff.rules.assistant_answers)."""
    queue = HandoffQueue(store)
    queued = store.shop().policy.handoff_mode is not HandoffMode.assistant_only
    if queued:
        # Queue first: the shop's request log must not show a handoff that never reached the queue.
        queue.request(conversation_id, buyer_id, reason, last_message, order_id)
    store.record_request(
        ShopRequest(
            kind=RequestKind.handoff,
            conversation_id=conversation_id,
            buyer_id=buyer_id,
            reason=reason.value,
            order_id=order_id,
            details={"last_message": last_message[:500], "queued": "yes" if queued else "no"},
            created_at=clock(),
        )
    )
    return HandoffOutcome(queued=queued, agent_online=bool(queue.agents_online()))


def hand_off_after_failure(
    store: ShopStore, conversation_id: str, reason: HandoffReason, last_message: str, clock: Clock
) -> bool:
    """Ask for a person because something failed; False (logged) when even that could not be
    recorded (Redis down too), so the buyer is promised no person."""
    try:
        request_handoff(store, conversation_id, conversation_id, reason, last_message, clock)
    except Exception:
        logger.exception("could not record the handoff for %s (%s)", conversation_id, reason.value)
        return False
    return True
