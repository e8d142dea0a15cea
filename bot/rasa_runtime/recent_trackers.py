"""The trackers this process saved last, kept to start the conversation's next turn from.

Rebuilding a tracker from its stored view (JSON, then every event replayed onto fresh slots) was
9% of the Rasa server's Python time under load (py-spy, 50 buyers). A turn ends with `save`, and
that conversation's next turn on the same server starts from exactly the tracker it saved, so the
store keeps it here and only asks Redis whether anything was appended since (one HGET of the
stored length instead of the whole view).

Each entry is handed out once: `take` removes it, and only the next successful `save` puts a
tracker back. A reader that comes while a turn holds it, a turn that failed before saving, or a
write by another server (the stored length moved on) all fall back to reading Redis, as before.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional

from rasa.shared.core.trackers import DialogueStateTracker

# About 30-60 kB a tracker at the view's longest (2 × keep_turns buyer turns): a few tens of MB
# at most, and far more conversations than a server has in flight at once.
RECENT_TRACKERS = 1000


@dataclass
class RecentTracker:
    tracker: DialogueStateTracker
    stored_length: int  # the `events` list's length right after this tracker was saved
    event_count: int  # the tracker's events then: more now means a turn added some and failed


class RecentTrackers:
    """A bounded, least-recently-saved-first table of trackers by conversation."""

    def __init__(self, capacity: int = RECENT_TRACKERS) -> None:
        self.capacity = capacity
        self._entries: "OrderedDict[str, RecentTracker]" = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def keep(self, sender_id: str, tracker: DialogueStateTracker, stored_length: int) -> None:
        if self.capacity <= 0:
            return
        self._entries[sender_id] = RecentTracker(tracker, stored_length, len(tracker.events))
        self._entries.move_to_end(sender_id)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        self._entries.pop(sender_id, None)

    def has(self, sender_id: str) -> bool:
        return sender_id in self._entries

    def take(self, sender_id: str, stored_length: Optional[int]) -> Optional[DialogueStateTracker]:
        """The kept tracker, if what is stored is still exactly what it saved; None otherwise."""
        entry = self._entries.pop(sender_id, None)
        if entry is None or stored_length != entry.stored_length:
            return None
        if len(entry.tracker.events) != entry.event_count:
            return None
        return entry.tracker
