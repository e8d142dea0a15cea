"""Fixtures of the integration tier beyond tests/conftest.py's Redis."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict

import pytest

from bot.redis_server import RedisServer


@pytest.fixture
def said(redis_client: Any, redis_server: RedisServer) -> Callable[..., None]:
    """Store a conversation's events (as the Rasa HTTP API shows them) through the Rasa server's
    tracker store, so the trainer's marks can name them."""
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.trainer.conversations import tracker_store

    store = tracker_store(redis_server.url)

    def save(conversation_id: str, *events: Dict[str, Any]) -> None:
        tracker = DialogueStateTracker.from_events(
            conversation_id, [Event.from_parameters(dict(e)) for e in events], slots=store.domain.slots
        )
        # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(asyncio.run, store.save(tracker)).result()

    return save
