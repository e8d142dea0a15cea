"""Every key the services share is derived from one secret, one purpose each.

A leaked derived key (the Rasa API token in a log, a buyer's token in a browser) reveals neither
the secret nor any other key. The purpose strings are part of the tokens: changing one
invalidates every token issued for it.
"""

from __future__ import annotations

import hashlib
import hmac


def derive(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def derive_hex(secret: str, purpose: str) -> str:
    return derive(secret, purpose).hex()


def same_token(presented: object, expected: str) -> bool:
    """Constant-time comparison; anything that is not a string never matches."""
    return isinstance(presented, str) and hmac.compare_digest(presented.encode(), expected.encode())
