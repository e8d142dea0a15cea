"""Patch 14: a tracker copied from its state instead of replayed (bot/rasa_runtime/patches.py).

`DialogueStateTracker.copy` builds an empty tracker and replays every event of the session into
it. `MessageProcessor._run_action` copies the tracker before every action it runs, the listen
action included: 2.5 copies a message, each replaying the whole bounded session (cProfile of
the event loop, 10 buyers: 9% of its time, most of it in `update` and the events' `apply_to`).

A tracker's state is, by Rasa's own rule ("MUST be re-creatable by processing all the events",
`__init__`), what its events make of it, and Rasa changes it only through events. Replaying
them onto a tracker built as `init_copy` builds one gives the same values as the tracker has
now: the same event objects in a new deque, slots copied with the values the events set, the
latest action, message and bot utterance, the follow-up action, the paused flag and the active
loop. So this copy takes them from the tracker: new containers wherever Rasa's copy has its
own (the deque, the slots, the latest action's dict, the active loop), the same objects where
Rasa's copy shares them (events, the latest message and bot utterance, slot values), and
`model_id`, `assistant_id` and `sender_source` left unset as `init_copy` leaves them.

Where replaying could give something else it is Rasa's replay: a tracker class of its own, a
bounded event history (the replay loses what the dropped events set), slots created on demand
(`AnySlotDict`). What patches keep on a tracker (9, 10) is not copied, as before.
tests/integration/rasa_runtime/test_tracker_copy.py compares every attribute of both copies
after every event of whole conversations, and that changing a copy leaves the tracker as it was.
"""

from __future__ import annotations

import copy
import importlib
from collections import deque
from typing import Any, Dict

from bot.rasa_runtime.pinning import Patch, Pin, rasa_attribute
from bot.rasa_runtime.slot_copy import copy_slot, tracker_class

_rasa_copy: Any = None

any_slot_dict_class = rasa_attribute("rasa.shared.core.trackers", "AnySlotDict")


def trackers_module() -> Any:
    return importlib.import_module("rasa.shared.core.trackers")


def replays_differently(tracker: Any) -> bool:
    return (
        type(tracker) is not tracker_class()
        or tracker._max_event_history is not None
        or type(tracker.slots) is not dict
        or isinstance(tracker.slots, any_slot_dict_class())
    )


def _as_replayed(latest: Any, events: Any) -> Any:
    """The latest message or bot utterance is one of the events (the replay sets that same
    object), or the empty one a reset made, which the replay makes anew: an equal copy then, so
    that changing one tracker's leaves the other's alone, as with Rasa's copy."""
    if latest is None or any(event is latest for event in reversed(events)):
        return latest
    return copy.deepcopy(latest)


def _copy_of(slot: Any) -> Any:
    """`copy.copy(slot)`; patch 8's copy called directly where it is the slot's `__copy__`:
    `copy.copy`'s dispatch for 19 slots was about a tenth of a tracker copy (timeit)."""
    if getattr(type(slot), "__copy__", None) is copy_slot:
        return copy_slot(slot)
    return copy.copy(slot)


def copy_from_state(self: Any) -> Any:
    if replays_differently(self):
        return _rasa_copy(self)
    from rasa.shared.constants import DEFAULT_SENDER_ID

    new = object.__new__(type(self))
    state: Dict[str, Any] = new.__dict__
    # The attributes of `__init__` (pinned), in its order, as `init_copy` and the replay set them.
    state["_max_event_history"] = None
    state["events"] = deque(self.events)
    state["sender_id"] = self.sender_id or DEFAULT_SENDER_ID
    state["slots"] = {name: _copy_of(slot) for name, slot in self.slots.items()}
    state["sender_source"] = None
    state["is_rule_tracker"] = self.is_rule_tracker
    state["_paused"] = self._paused
    state["followup_action"] = self.followup_action
    state["latest_action"] = None if self.latest_action is None else dict(self.latest_action)
    state["latest_message"] = _as_replayed(self.latest_message, self.events)
    state["latest_bot_utterance"] = _as_replayed(self.latest_bot_utterance, self.events)
    state["active_loop"] = copy.copy(self.active_loop)
    state["model_id"] = None
    state["assistant_id"] = None
    return new


def install(owner: Any) -> None:
    global _rasa_copy
    _rasa_copy = owner.copy
    owner.copy = copy_from_state


PATCH = Patch(
    name="trackers copied from their state",
    target=tracker_class,
    attribute="copy",
    source_sha256="dfa48dca9f355ad1b42c625bc6f6370bafe83514ed17a77904ed64c67bf07285",
    install=install,
    # The attributes above are `__init__`'s; the replay is `travel_back_in_time` from `init_copy`.
    also_pinned=(
        Pin(tracker_class, "__init__", "8f39eb22462aa62b140d9da1f6db986cbc76383d8f7cc4e3dc7664fa7d84cb2d"),
        Pin(tracker_class, "travel_back_in_time", "09d16f28f007492f653b504cf2b6064dc453444c524799378609a85b04efd632"),
        Pin(tracker_class, "init_copy", "429fcd2243b9e0e1a6e8ffc3057a4f2fb4ecbb677055c644129bc65b6cd32b75"),
        Pin(tracker_class, "_reset", "190858eaf560a0c0a86f45dca86498f8a9fada57ddb6c7dd1e68648c9779e103"),
        # A dataclass of four plain fields: `copy.copy` is what a new one from its values is.
        Pin(trackers_module, "TrackerActiveLoop", "e1a0da31eeaaa106ad023954f752741c18f014351d265e2eb5643a7bdb39cf77"),
    ),
)
