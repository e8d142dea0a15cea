"""A process's view of the shop's knowledge: the index rebuilt whenever the entries change in Redis
(every action server and replica sees an owner's edit on its next message)."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import List, Optional

from bot.knowledge.matching import KnowledgeIndex, KnowledgeMatch
from bot.knowledge.records import KnowledgeRecords


class KnowledgeBase:
    def __init__(self, records: KnowledgeRecords) -> None:
        self.records = records
        self._lock = threading.Lock()
        self._version: Optional[str] = None
        self._index = KnowledgeIndex([])

    def index(self, version_read: Optional[str] = None) -> KnowledgeIndex:
        """The index of the entries now: one GET a message, the rebuild only on a change. A caller
        that read the version already (an action's snapshot) passes it: when it is the kept
        index's, no GET; otherwise the version is read anew, so an older reader never rebuilds
        the index newer ones use."""
        with self._lock:
            if version_read is not None and version_read == self._version:
                return self._index
        version = self.records.version()
        with self._lock:
            if version != self._version:
                self._index = KnowledgeIndex(self.records.entries())
                self._version = version
            return self._index

    def matches(self, text: str, now: datetime, version: Optional[str] = None) -> List[KnowledgeMatch]:
        return self.index(version).matches(text, now)

    def follow_up(self, text: str, topic: str, now: datetime, version: Optional[str] = None) -> Optional[KnowledgeMatch]:
        return self.index(version).follow_up(text, topic, now)
