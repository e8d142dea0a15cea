"""How the agent console hands an agent's reply to the Rasa server, which owns the buyer's socket.

The same shared secret also gives the token of Rasa's HTTP API (`rasa run --auth-token`), which the
console uses to read trackers: without it anyone reaching port 5005 could read every conversation.

The console POSTs an `AgentMessage` to `DELIVERY_PATH` on the Rasa server with `TOKEN_HEADER`
set to `delivery_token(CONSOLE_SECRET)`; the Rasa server (bot/channels.py) records the reply in
the conversation's tracker and emits it to the buyer's socket.io room. Both sides import this.
"""
from __future__ import annotations

from typing import Optional

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


class AgentMessage(Model):
    conversation_id: constr(strip_whitespace=True, min_length=1, max_length=200)
    agent: constr(strip_whitespace=True, min_length=1, max_length=64)
    text: constr(strip_whitespace=True, min_length=1, max_length=2000)
    # A sender that may deliver twice (the outreach scheduler after a restart) names the message:
    # a second delivery with the same id is not recorded or shown again.
    message_id: Optional[constr(min_length=1, max_length=200)] = None
