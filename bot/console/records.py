"""The console's Redis work (key `console_session:…`, in bot/store.py's table): which agent an
open session belongs to. A session expires with its cookie; logging out deletes it at once."""

from __future__ import annotations

from typing import Optional

from bot.store import ShopRecords


class ConsoleSessions(ShopRecords):
    def open(self, session_id: str, agent: str, seconds: int) -> None:
        self.client.set(self._key("console_session", session_id), agent, ex=seconds)

    def agent(self, session_id: str) -> Optional[str]:
        return self.client.get(self._key("console_session", session_id)) if session_id else None

    def close(self, session_id: str) -> None:
        self.client.delete(self._key("console_session", session_id))
