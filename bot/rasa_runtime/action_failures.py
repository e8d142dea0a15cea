"""What the buyer hears when the action server fails or cannot be reached.

Rasa 3.6 logs the error and carries on with nothing said: the buyer's message goes unanswered.
The README promises that a failed action goes to a person; this is where that happens in the
Rasa server (bot.rasa_runtime.patches wraps RemoteAction.run): the chat is handed off and the
buyer gets the apology, or, when even the handoff cannot be recorded, the apology that asks to
send again and promises no person.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Optional, Tuple

from bot import replies
from bot.clock import Clock, configured_clock
from bot.services.handoff import request_handoff
from bot.settings import Settings
from bot.store import ShopStore, connect

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _shop() -> Tuple[ShopStore, Clock]:
    settings = Settings.from_env()
    store = ShopStore(connect(settings.redis_url_or_embedded), settings.shop_id)
    return store, configured_clock(settings.fixed_now, settings.timezone)


def hand_off_failed_action(conversation_id: str, action_name: str, last_message: Optional[str]) -> str:
    """Hand the chat to a person because `action_name` failed; the words to say to the buyer."""
    try:
        store, clock = _shop()
        request_handoff(
            store, conversation_id, conversation_id, f"action {action_name} failed (action server)",
            last_message or "", clock,
        )
    except Exception:  # Redis down too: promise no person
        logger.exception("could not hand off %s after %s failed", conversation_id, action_name)
        return replies.action_failed_no_handoff()
    return replies.action_failed()
