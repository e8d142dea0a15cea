"""The trainers' marks in Redis (key `corrections`, in bot/store.py's table): a hash of
JSON [conversation_id, message_ref] -> Correction. One mark per buyer message: marking it again
replaces the earlier mark."""

from __future__ import annotations

import json
from typing import List, Optional

from bot.models import Correction
from bot.store import ShopRecords


def _field(conversation_id: str, message_ref: str) -> str:
    return json.dumps([conversation_id, message_ref], ensure_ascii=False)


class CorrectionRecords(ShopRecords):
    @property
    def _hash(self) -> str:
        return self._key("corrections")

    def add(self, correction: Correction) -> bool:
        """Store a mark; True when it replaced an earlier mark of the same message."""
        field = _field(correction.conversation_id, correction.message_ref)
        return not self.client.hset(self._hash, field, correction.json())

    def get(self, conversation_id: str, message_ref: str) -> Optional[Correction]:
        raw = self.client.hget(self._hash, _field(conversation_id, message_ref))
        return Correction.parse_raw(raw) if raw else None

    def all(self, conversation_id: Optional[str] = None) -> List[Correction]:
        """Every mark (or one conversation's), oldest first."""
        found = [Correction.parse_raw(raw) for raw in self.client.hvals(self._hash)]
        found = [c for c in found if conversation_id is None or c.conversation_id == conversation_id]
        return sorted(found, key=lambda c: (c.created_at, c.conversation_id, c.message_ref))

    def delete(self, conversation_id: str, message_ref: str) -> bool:
        return bool(self.client.hdel(self._hash, _field(conversation_id, message_ref)))
