"""What the buyer hears when the action server fails or cannot be reached.

Rasa 3.6 logs the error and carries on with nothing said: the buyer's message goes unanswered.
docs/agents.md promises that a failed action goes to a person; this is where that happens in the
Rasa server (bot.rasa_runtime.patches wraps RemoteAction.run): the chat is handed off and the
buyer gets the apology, or, when even the handoff cannot be recorded, the apology that asks to
send again and promises no person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from bot.bootstrap import Server, server_services
from bot.context import Services
from bot.handoff.request import hand_off_after_failure
from bot.models import HandoffReason
from bot.replies import handoff as handoff_replies
from bot.settings import Settings

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _shop() -> Services:
    return server_services(Settings(), Server.RASA_SERVER)


@dataclass(frozen=True)
class FailedActionReply:
    text: str  # what the buyer is told
    handoff_reason: Optional[HandoffReason]  # None when not even the handoff could be recorded


def hand_off_failed_action(conversation_id: str, action_name: str, last_message: Optional[str]) -> FailedActionReply:
    """Hand the chat to a person because `action_name` failed, and what to tell the buyer."""
    shop = _shop()
    logger.warning("action %s failed (action server): handing %s to a person", action_name, conversation_id)
    reason = HandoffReason.action_failed
    if hand_off_after_failure(shop.store, conversation_id, reason, last_message or "", shop.clock):
        return FailedActionReply(handoff_replies.action_failed(), reason)
    return FailedActionReply(handoff_replies.action_failed_no_handoff(), None)
