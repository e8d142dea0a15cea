"""The owner's edits of the knowledge: each one a KnowledgeChange (who, when, before, after) kept
in the history, written with the entry in one transaction, and undone by its inverse."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Optional

from bot.knowledge.records import KnowledgeChange, KnowledgeConflict, KnowledgeRecords
from bot.models import KnowledgeEntry


class KnowledgeNotFound(LookupError):
    """No entry (or no change in the history) of that name."""


class AlreadyUndone(RuntimeError):
    pass


class KnowledgeEditor:
    def __init__(self, records: KnowledgeRecords) -> None:
        self.records = records

    def _change(
        self, key: str, before: Optional[KnowledgeEntry], after: Optional[KnowledgeEntry], by: str, undoes: Optional[str] = None
    ) -> KnowledgeChange:
        change = KnowledgeChange(
            id=uuid.uuid4().hex[:12],
            key=key,
            by=by,
            at=datetime.now(timezone.utc),
            before=before,
            after=after,
            undoes=undoes,
        )
        self.records.apply(change)
        return change

    def _existing(self, key: str) -> KnowledgeEntry:
        entry = self.records.entry(key)
        if entry is None:
            raise KnowledgeNotFound(key)
        return entry

    def add(self, entry: KnowledgeEntry, by: str) -> KnowledgeChange:
        return self._change(entry.key, None, entry, by)  # a key taken meanwhile: KnowledgeConflict

    def update(self, entry: KnowledgeEntry, by: str) -> KnowledgeChange:
        return self._change(entry.key, self._existing(entry.key), entry, by)

    def set_enabled(self, key: str, enabled: bool, by: str) -> KnowledgeChange:
        before = self._existing(key)
        return self._change(key, before, before.copy(update={"enabled": enabled}), by)

    def delete(self, key: str, by: str) -> KnowledgeChange:
        return self._change(key, self._existing(key), None, by)

    def undo(self, change_id: str, by: str) -> KnowledgeChange:
        """Put the entry back as it was before the change; refused once undone, or when the
        entry has changed since (undoing then would silently drop the later edit)."""
        history = self.records.history()
        change = next((c for c in history if c.id == change_id), None)
        if change is None:
            raise KnowledgeNotFound(change_id)
        if any(c.undoes == change_id for c in history):
            raise AlreadyUndone(change_id)
        return self._change(change.key, change.after, change.before, by, undoes=change.id)


__all__ = ["AlreadyUndone", "KnowledgeConflict", "KnowledgeEditor", "KnowledgeNotFound"]
