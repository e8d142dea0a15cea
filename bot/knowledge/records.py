"""Knowledge entries in Redis (keys `knowledge` and `knowledge_version`, see bot/store.py)."""
from __future__ import annotations

from typing import Any, List, Sequence

import redis

from bot.models import KnowledgeEntry


def _keys(shop_id: str) -> tuple[str, str]:
    from bot.store import shop_key  # the key table; imported late, bot.store imports this module

    return shop_key(shop_id, "knowledge"), shop_key(shop_id, "knowledge_version")


def write(pipe: Any, shop_id: str, entries: Sequence[KnowledgeEntry], replace: bool) -> None:
    """Add a shop file's entries to the loader's transaction (`replace`: the file's entries are
    all of them; else they are added to or replace the ones with the same key)."""
    entries_key, version_key = _keys(shop_id)
    if replace:
        pipe.delete(entries_key)
    if entries:
        pipe.hset(entries_key, mapping={entry.key: entry.json() for entry in entries})
    pipe.incr(version_key)


class KnowledgeRecords:
    def __init__(self, client: redis.Redis, shop_id: str) -> None:
        self.client = client
        self.entries_key, self.version_key = _keys(shop_id)

    def version(self) -> int:
        return int(self.client.get(self.version_key) or 0)

    def entries(self) -> List[KnowledgeEntry]:
        raw = self.client.hgetall(self.entries_key)
        return sorted((KnowledgeEntry.parse_raw(value) for value in raw.values()), key=lambda entry: entry.key)

    def put(self, entry: KnowledgeEntry) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.entries_key, entry.key, entry.json())
        pipe.incr(self.version_key)
        pipe.execute()

    def delete(self, key: str) -> bool:
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(self.entries_key, key)
        pipe.incr(self.version_key)
        removed, _ = pipe.execute()
        return bool(removed)
