"""Buyer tokens: proof, issued by the shop's own login, that a socket.io client is the buyer it
says it is.

Rasa's socket.io channel takes the conversation id (here the buyer id) from the client, so any
browser could ask for `buyer_xiaomei` and read her orders and her agent's replies. When
BUYER_TOKEN_SECRET is set, a session is only granted with `token = buyer_token(secret, buyer_id)`,
which the shop's web page gets from its server after the buyer logged in.
"""

from __future__ import annotations

from bot.derived_keys import derive_hex, same_token


def buyer_token(secret: str, buyer_id: str) -> str:
    return derive_hex(secret, f"buyer:{buyer_id}")


def buyer_token_matches(secret: str, buyer_id: str, token: object) -> bool:
    return bool(buyer_id) and same_token(token, buyer_token(secret, buyer_id))
