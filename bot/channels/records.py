"""The channels' Redis work (keys `message:…`, `rate:…`, `signature:…`; the table is in
bot/store.py): a REST message's replies by the client's message id, the per-sender fair-use
counter, and the signatures of signed REST requests already seen."""

from __future__ import annotations

from typing import Any, Optional

from bot.store import Read, ShopRecords

# A day: long enough for any client retry, short enough to keep Redis small.
MESSAGE_ID_SECONDS = 24 * 3600
PENDING = "__pending__"  # stored for a message id while its first delivery is being answered


class ChannelRecords(ShopRecords):
    # -- a retried message is answered once ------------------------------------------------
    def claim_message_id(self, sender: str, message_id: str) -> Optional[str]:
        """None if this message id is new (now claimed); else what is stored for it: the
        replies' JSON, or PENDING while the first delivery is still being processed."""
        key = self._key("message", sender, message_id)
        if self.client.set(key, PENDING, nx=True, ex=MESSAGE_ID_SECONDS):
            return None
        return self.client.get(key) or PENDING

    def finish_message_id(self, sender: str, message_id: str, replies_json: str) -> None:
        self.client.set(self._key("message", sender, message_id), replies_json, ex=MESSAGE_ID_SECONDS)

    def release_message_id(self, sender: str, message_id: str) -> None:
        """The delivery failed before anything was stored: a retry must be processed."""
        self.client.delete(self._key("message", sender, message_id))

    def claim_signature(self, signature: str, seconds: int) -> bool:
        """True the first time a signed REST request's signature is seen (kept `seconds`)."""
        return bool(self.client.set(self._key("signature", signature), 1, nx=True, ex=seconds))

    # -- fair use ----------------------------------------------------------------------------
    def read_message_count(self, pipe: Any, sender: str, window_seconds: int) -> Read:
        """Counts this message: how many `sender` has sent in the current window, this one
        included (queued on the gate's transaction, so the window's start and count are one step)."""
        key = self._key("rate", sender)
        pipe.set(key, 0, ex=window_seconds, nx=True)  # a new window starts at 0 (INCR keeps the TTL)
        pipe.incr(key)

        def count(replies: Any) -> int:
            next(replies)
            return int(next(replies))

        return count
