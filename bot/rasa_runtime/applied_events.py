"""Patch 10: a tracker's applied events extended instead of recomputed (bot/rasa_runtime/patches.py).

`DialogueStateTracker.applied_events` walks every event of the tracker, twice, on every call:
once for the names of the loops (forms) it ever activated, once to drop what was undone. A turn
calls it a dozen times (each dialogue-state request of patch 9, the session check, the action
payload), 44 µs for a 40-event chat each time.

Rasa only ever appends to a tracker's events. So this keeps, on the tracker, the result for the
events seen so far; when the same deque still starts and ends those events where it did, and
every event appended since would only be appended by Rasa's walk too (not a restart, a new
session, an undo, a loop activated by name or a run of an active loop, which can undo earlier
events), the new events are added to the kept result. Anything else is Rasa's own walk, whose
result is then kept. Callers get a new list each time, as from Rasa.
tests/integration/rasa_runtime/test_applied_events.py compares with Rasa after every event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Set

from bot.rasa_runtime.pinning import KeptOnRasaObject, Patch
from bot.rasa_runtime.slot_copy import tracker_class

ATTRIBUTE = "_shop_applied_events"
_original: Any = None


@dataclass
class Applied(KeptOnRasaObject):
    events: Any  # the tracker's deque this was computed from
    seen: int  # how many of its events
    last: Any  # the last of them (None when there were none)
    loop_names: Set[str]
    applied: List[Any]

    def still_begins(self, events: Any) -> bool:
        # A deque with a maximum length drops events on the left as it grows: then every event
        # moves, and the one at the old end is another.
        return self.events is events and len(events) >= self.seen and (self.seen == 0 or events[self.seen - 1] is self.last)


def _only_appended_by_rasa(event: Any, loop_names: Set[str]) -> bool:
    """Whether Rasa's walk would just append `event` (the `else` of its loop), and leave the
    loop names as they were."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        ActiveLoop,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
    )

    if isinstance(event, (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted)):
        return False
    if isinstance(event, ActiveLoop):
        return not event.name
    return not (isinstance(event, ActionExecuted) and event.action_name in loop_names)


def _kept(tracker: Any, applied: List[Any]) -> Applied:
    from rasa.shared.core.events import ActiveLoop

    events = tracker.events
    loop_names = {event.name for event in events if isinstance(event, ActiveLoop) and event.name}
    return Applied(events, len(events), events[-1] if events else None, loop_names, list(applied))


def applied_events(self: Any) -> List[Any]:
    events = self.events
    kept = self.__dict__.get(ATTRIBUTE)
    if isinstance(kept, Applied) and kept.still_begins(events):
        added = [events[index] for index in range(kept.seen, len(events))]
        if all(_only_appended_by_rasa(event, kept.loop_names) for event in added):
            kept.applied.extend(added)
            kept.seen = len(events)
            if added:
                kept.last = added[-1]
            return list(kept.applied)
    applied = _original(self)
    self.__dict__[ATTRIBUTE] = _kept(self, applied)
    return applied


def install(owner: Any) -> None:
    global _original
    _original = owner.applied_events
    owner.applied_events = applied_events


PATCH = Patch(
    name="applied events extended",
    target=tracker_class,
    attribute="applied_events",
    source_sha256="764d5065ea9997d613c1984d9357370f9ae32d31ca21346086f16c54f0487aae",
    install=install,
)
