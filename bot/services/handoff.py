"""Hand a chat to a human: record the request for the shop's agents."""
from __future__ import annotations

from bot.clock import Clock
from bot.models import RequestKind, ShopRequest
from bot.store import ShopStore


def request_handoff(
    store: ShopStore, conversation_id: str, buyer_id: str, reason: str, last_message: str, clock: Clock
) -> str:
    return store.record_request(
        ShopRequest(
            kind=RequestKind.handoff,
            conversation_id=conversation_id,
            buyer_id=buyer_id,
            reason=reason,
            details={"last_message": last_message[:500]},
            created_at=clock(),
        )
    )
