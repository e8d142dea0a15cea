"""Read a conversation from the tracker store the Rasa server writes (Redis, endpoints.yml).

Why the tracker store and not the Rasa HTTP API (GET /conversations/{id}/tracker): it needs no
running Rasa server, no --enable-api and no token, reads exactly what endpoints.yml configures
(the Redis in REDIS_URL, key prefix "tracker"), and the same tracker store class the Rasa server
runs (bot/rasa_runtime/tracker_store.py) reads the whole history, so nothing here builds keys.
The tests need only a redis-server.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.models import message_ref
from bot.store import ConversationKeys
from bot.trainer.vocabulary import DOMAIN_FILE

TRACKER_KEY_PREFIX = "tracker"  # endpoints.yml: tracker_store.key_prefix
LOCK_KEY_PREFIX = "lock"  # endpoints.yml: lock_store.key_prefix


class ConversationNotFound(LookupError):
    pass


def tracker_store(redis_url: str, domain_path: Path = DOMAIN_FILE) -> Any:
    """The Rasa server's tracker store (endpoints.yml's settings), for the Redis at `redis_url`."""
    from rasa.shared.core.domain import Domain

    from bot.rasa_runtime.tracker_store import ShopTrackerStore

    return ShopTrackerStore.from_url(redis_url, Domain.load(str(domain_path)), key_prefix=TRACKER_KEY_PREFIX)


async def _retrieve(store: Any, sender_id: str) -> Optional[Any]:
    return await store.retrieve_full_tracker(sender_id)


def conversation_events(redis_url: str, sender_id: str, domain_path: Path = DOMAIN_FILE) -> List[Any]:
    """Every event of the conversation (all sessions; bot.trainer.stories picks the latest)."""
    tracker = asyncio.run(_retrieve(tracker_store(redis_url, domain_path), sender_id))
    if tracker is None or not tracker.events:
        raise ConversationNotFound(
            f"no conversation {sender_id!r} in the tracker store at {redis_url} (key prefix "
            f"{TRACKER_KEY_PREFIX!r}); is REDIS_URL the Redis the assistant runs with?"
        )
    return list(tracker.events)


def buyer_message(client: Any, conversation_id: str, ref: str) -> Optional[Dict[str, Any]]:
    """The stored `user` event of the conversation that `ref` (Correction.message_ref) names, if the
    buyer said it (read from the tracker store's whole history in this Redis client)."""
    events = ConversationKeys(TRACKER_KEY_PREFIX, LOCK_KEY_PREFIX, conversation_id).events
    for line in client.lrange(events, 0, -1) if ref else ():
        event = json.loads(line)
        if event.get("event") == "user" and message_ref(event.get("message_id"), event.get("timestamp")) == ref:
            return event
    return None
