"""Hand a chat to a human: record the request for the shop and queue the chat for an agent."""
from __future__ import annotations

from typing import Optional

from bot.clock import Clock
from bot.handoff_queue import HandoffQueue
from bot.models import Handoff, RequestKind, ShopRequest
from bot.store import ShopStore


def request_handoff(
    store: ShopStore,
    conversation_id: str,
    buyer_id: str,
    reason: str,
    last_message: str,
    clock: Clock,
    order_id: Optional[str] = None,
) -> Handoff:
    """From now on the assistant is silent in this chat until an agent hands it back or closes it."""
    # Queue first: the shop's request log must not show a handoff that never reached the queue.
    handoff = HandoffQueue(store).request(conversation_id, buyer_id, reason, last_message, order_id)
    store.record_request(
        ShopRequest(
            kind=RequestKind.handoff,
            conversation_id=conversation_id,
            buyer_id=buyer_id,
            reason=reason,
            order_id=order_id,
            details={"last_message": last_message[:500]},
            created_at=clock(),
        )
    )
    return handoff
