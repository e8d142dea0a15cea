"""How the agent console hands an agent's reply to the Rasa server, which owns the buyer's socket.

The same shared secret also gives the token of Rasa's HTTP API (`rasa run --auth-token`), which the
console uses to read trackers: without it anyone reaching port 5005 could read every conversation.

The console POSTs an `AgentMessage` to `DELIVERY_PATH` on the Rasa server with `TOKEN_HEADER`
set to `delivery_token(CONSOLE_SECRET)`; the Rasa server (bot/channels/socket_io.py) records the reply in
the conversation's tracker and emits it to the buyer's socket.io room. Both sides import this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from pydantic import constr

from bot.derived_keys import derive_hex, same_token
from bot.models import Model

DELIVERY_PATH = "/webhooks/socketio/agent_message"
TOKEN_HEADER = "X-Console-Token"


def delivery_token(secret: str) -> str:
    """A key derived from the shared secret, so the secret itself never travels."""
    return derive_hex(secret, "agent-delivery")


def rasa_api_token(secret: str) -> str:
    """The Rasa server's --auth-token, sent as `?token=` by whoever reads its HTTP API."""
    return derive_hex(secret, "rasa-http-api")


def token_matches(presented: str, secret: str) -> bool:
    return same_token(presented, delivery_token(secret))


# Strings with checks; mypy cannot read a constr() call as a type, so it sees plain str.
if TYPE_CHECKING:
    _ConversationId = str
    _AgentName = str
    _ReplyText = str
    _MessageId = str
else:
    _ConversationId = constr(strip_whitespace=True, min_length=1, max_length=200)
    _AgentName = constr(strip_whitespace=True, min_length=1, max_length=64)
    _ReplyText = constr(strip_whitespace=True, min_length=1, max_length=2000)
    _MessageId = constr(min_length=1, max_length=200)


class AgentMessage(Model):
    conversation_id: _ConversationId
    agent: _AgentName
    text: _ReplyText
    # A sender that may deliver twice (the outreach scheduler after a restart) names the message:
    # a second delivery with the same id is not recorded or shown again.
    message_id: Optional[_MessageId] = None
