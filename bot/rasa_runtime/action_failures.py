"""What the buyer hears when the action server fails or cannot be reached.

Rasa 3.6 logs the error and carries on with nothing said: the buyer's message goes unanswered.
The README promises that a failed action goes to a person; this is where that happens in the
Rasa server (bot.rasa_runtime.patches wraps RemoteAction.run): the chat is handed off and the
buyer gets the apology, or, when even the handoff cannot be recorded, the apology that asks to
send again and promises no person.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Tuple

from bot import replies
from bot.clock import Clock, configured_clock
from bot.services.handoff import hand_off_after_failure
from bot.settings import Settings
from bot.store import ShopStore, connect


@lru_cache(maxsize=1)
def _shop() -> Tuple[ShopStore, Clock]:
    settings = Settings.from_env()
    store = ShopStore(connect(settings.redis_url_or_embedded), settings.shop_id)
    return store, configured_clock(settings.fixed_now, settings.timezone)


@dataclass(frozen=True)
class FailedActionReply:
    text: str  # what the buyer is told
    handoff_reason: Optional[str]  # None when not even the handoff could be recorded


def hand_off_failed_action(conversation_id: str, action_name: str, last_message: Optional[str]) -> FailedActionReply:
    """Hand the chat to a person because `action_name` failed, and what to tell the buyer."""
    store, clock = _shop()
    reason = f"action {action_name} failed (action server)"
    if hand_off_after_failure(store, conversation_id, reason, last_message or "", clock):
        return FailedActionReply(replies.action_failed(), reason)
    return FailedActionReply(replies.action_failed_no_handoff(), None)
