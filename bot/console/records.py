"""The console's Redis work (key `console_session:…`, in bot/store.py's table): which agent an
open session belongs to. A session expires with its cookie; logging out deletes it at once."""
from __future__ import annotations

from typing import Optional

import redis

from bot.store import shop_key


class ConsoleSessions:
    def __init__(self, client: redis.Redis, shop_id: str) -> None:
        self.client = client
        self.shop_id = shop_id

    def _key(self, session_id: str) -> str:
        return shop_key(self.shop_id, "console_session", session_id)

    def open(self, session_id: str, agent: str, seconds: int) -> None:
        self.client.set(self._key(session_id), agent, ex=seconds)

    def agent(self, session_id: str) -> Optional[str]:
        return self.client.get(self._key(session_id)) if session_id else None

    def close(self, session_id: str) -> None:
        self.client.delete(self._key(session_id))
