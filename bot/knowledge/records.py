"""Knowledge entries in Redis (keys `knowledge` and `knowledge_version`, see bot/store.py)."""
from __future__ import annotations

import hashlib
import uuid
from typing import Any, List, Optional, Sequence

import redis

from bot.models import KnowledgeEntry
from bot.store import shop_key


def _keys(shop_id: str) -> tuple[str, str]:
    return shop_key(shop_id, "knowledge"), shop_key(shop_id, "knowledge_version")


def write(pipe: Any, shop_id: str, entries: Sequence[KnowledgeEntry], replace: bool) -> None:
    """Add a shop file's entries to the loader's transaction (ShopStore.write_all's `also` (`replace`: the file's entries are
    all of them; else they are added to or replace the ones with the same key))."""
    entries_key, version_key = _keys(shop_id)
    if replace:
        pipe.delete(entries_key)
    if entries:
        pipe.hset(entries_key, mapping={entry.key: entry.json() for entry in entries})
    if replace:  # the same file loaded again is the same version: nothing to rebuild
        pipe.set(version_key, _digest(entries))
    elif entries:
        pipe.set(version_key, uuid.uuid4().hex)


def _digest(entries: Sequence[KnowledgeEntry]) -> str:
    return hashlib.sha256("\n".join(e.json() for e in sorted(entries, key=lambda e: e.key)).encode()).hexdigest()[:16]


class KnowledgeRecords:
    def __init__(self, client: redis.Redis, shop_id: str) -> None:
        self.client = client
        self.entries_key, self.version_key = _keys(shop_id)

    def version(self) -> str:
        """Moves on with every change of the entries (each process rebuilds its index then)."""
        value = self.client.get(self.version_key)
        return value.decode() if isinstance(value, bytes) else str(value or "")

    def entries(self) -> List[KnowledgeEntry]:
        raw = self.client.hgetall(self.entries_key)
        return sorted((KnowledgeEntry.parse_raw(value) for value in raw.values()), key=lambda entry: entry.key)

    def add_similar(self, key: str, questions: Sequence[str]) -> Optional[KnowledgeEntry]:
        """Add buyers' wordings to an entry's similar questions (those it has not got yet);
        None when there is no such entry. Watched: a concurrent edit of the entries is not lost."""
        with self.client.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(self.entries_key)
                    raw = pipe.hget(self.entries_key, key)
                    if not raw:
                        return None
                    entry = KnowledgeEntry.parse_raw(raw)
                    known = {entry.question, *entry.similar}
                    added = [q.strip() for q in dict.fromkeys(questions) if q.strip() and q.strip() not in known]
                    updated = KnowledgeEntry.parse_obj({**entry.dict(), "similar": [*entry.similar, *added]})
                    pipe.multi()
                    pipe.hset(self.entries_key, key, updated.json())
                    pipe.set(self.version_key, uuid.uuid4().hex)
                    pipe.execute()
                    return updated
                except redis.WatchError:
                    continue

    def add_new(self, entry: KnowledgeEntry) -> bool:
        """Store a new entry; False (nothing written) when its key is taken."""
        pipe = self.client.pipeline(transaction=True)
        pipe.hsetnx(self.entries_key, entry.key, entry.json())
        pipe.set(self.version_key, uuid.uuid4().hex)
        added, _ = pipe.execute()
        return bool(added)

    def put(self, entry: KnowledgeEntry) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.entries_key, entry.key, entry.json())
        pipe.set(self.version_key, uuid.uuid4().hex)
        pipe.execute()

    def delete(self, key: str) -> bool:
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(self.entries_key, key)
        pipe.set(self.version_key, uuid.uuid4().hex)
        removed, _ = pipe.execute()
        return bool(removed)
