"""Trackers as the Rasa server leaves them in its Redis tracker store."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, List

import pytest

from bot.redis_server import RedisServer
from bot.trainer.conversations import tracker_store


def user(text: str, intent: str, entities: Any = (), seen: str = "", message_id: str = "", timestamp: float = 0.0) -> Any:
    """A UserUttered as Rasa records it: parse_data["text"] is the normalised text the NLU saw."""
    from rasa.shared.core.events import UserUttered

    parsed = {"name": intent, "confidence": 0.93}
    entities = [dict(e) for e in entities]
    return UserUttered(
        text,
        intent=parsed,
        entities=entities,
        parse_data={"text": seen or text, "original_text": text, "intent": parsed, "entities": entities},
        message_id=message_id or None,
        timestamp=timestamp or None,
    )


@pytest.fixture
def save_conversation(redis_client: Any, redis_server: RedisServer) -> Callable[[str, List[Any]], None]:
    """Store a conversation in the test Redis through the Rasa server's tracker store (endpoints.yml's settings)."""
    from rasa.shared.core.trackers import DialogueStateTracker

    store = tracker_store(redis_server.url)

    def save(sender_id: str, events: List[Any]) -> None:
        tracker = DialogueStateTracker.from_events(sender_id, events, slots=store.domain.slots)
        asyncio.run(store.save(tracker))

    return save
