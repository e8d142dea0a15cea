"""Knowledge entries in Redis (keys `knowledge`, `knowledge_version` and `knowledge_history`, see
bot/store.py), and the owner's changes to them, each kept so it can be undone."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence

import redis

from bot.models import KnowledgeEntry, Model
from bot.store import Read, shop_key

HISTORY_LENGTH = 1000  # the newest changes kept (who, when, before, after)


def _keys(shop_id: str) -> tuple[str, str]:
    return shop_key(shop_id, "knowledge"), shop_key(shop_id, "knowledge_version")


class KnowledgeChange(Model):
    """One owner's change of one entry: `before` None is an addition, `after` None a deletion."""

    id: str
    key: str
    by: str
    at: datetime
    before: Optional[KnowledgeEntry] = None
    after: Optional[KnowledgeEntry] = None
    undoes: Optional[str] = None  # the id of the change this one takes back


class KnowledgeConflict(RuntimeError):
    """The entry is no longer what the change was made from (someone changed it meanwhile)."""


def with_owner_edits(
    entries: Sequence[KnowledgeEntry], owner_versions: Mapping[str, Optional[KnowledgeEntry]]
) -> List[KnowledgeEntry]:
    """A file's entries with the owner's console edits kept: an entry the owner changed stays as
    the owner left it (or stays deleted), and one the owner added stays."""
    kept = [owner_versions.get(e.key) if e.key in owner_versions else e for e in entries]
    named = {e.key for e in entries}
    added = [entry for key, entry in owner_versions.items() if key not in named]
    return [entry for entry in kept + added if entry is not None]


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


def _version_of(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


class KnowledgeRecords:
    def __init__(self, client: redis.Redis, shop_id: str) -> None:
        self.client = client
        self.entries_key, self.version_key = _keys(shop_id)
        self.history_key = shop_key(shop_id, "knowledge_history")

    def version(self) -> str:
        """Moves on with every change of the entries (each process rebuilds its index then)."""
        return _version_of(self.client.get(self.version_key))

    def read_version(self, pipe: Any) -> Read:
        pipe.get(self.version_key)
        return lambda replies: _version_of(next(replies))

    def entries(self) -> List[KnowledgeEntry]:
        raw = self.client.hgetall(self.entries_key)
        return sorted((KnowledgeEntry.parse_raw(value) for value in raw.values()), key=lambda entry: entry.key)

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

    def entry(self, key: str) -> Optional[KnowledgeEntry]:
        raw = self.client.hget(self.entries_key, key)
        return KnowledgeEntry.parse_raw(raw) if raw else None

    def apply(self, change: KnowledgeChange) -> None:
        """Write `change.after` (or delete the entry) and keep the change, in one transaction, if
        the entry is still `change.before`: two owners editing at once never lose an edit unseen."""
        with self.client.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(self.entries_key)
                raw = pipe.hget(self.entries_key, change.key)
                if (KnowledgeEntry.parse_raw(raw) if raw else None) != change.before:
                    raise KnowledgeConflict(change.key)
                pipe.multi()
                if change.after is None:
                    pipe.hdel(self.entries_key, change.key)
                else:
                    pipe.hset(self.entries_key, change.key, change.after.json())
                pipe.set(self.version_key, uuid.uuid4().hex)  # every process rebuilds its index
                pipe.lpush(self.history_key, change.json())
                pipe.ltrim(self.history_key, 0, HISTORY_LENGTH - 1)
                pipe.execute()
            except redis.WatchError as error:
                raise KnowledgeConflict(change.key) from error

    def owner_versions(self) -> Dict[str, Optional[KnowledgeEntry]]:
        """Each entry an owner changed in the console, as the newest change left it (None: deleted);
        a reload of the shop file keeps these (bot/loader.py)."""
        latest: Dict[str, Optional[KnowledgeEntry]] = {}
        for change in self.history():  # newest first
            latest.setdefault(change.key, change.after)
        return latest

    def history(self, limit: int = HISTORY_LENGTH) -> List[KnowledgeChange]:
        """The changes, newest first."""
        raw = self.client.lrange(self.history_key, 0, limit - 1)
        return [KnowledgeChange.parse_raw(item) for item in raw]
