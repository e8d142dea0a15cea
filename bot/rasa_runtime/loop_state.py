"""Patch 16: the active loop in a tracker's state copied by pickle, not `dataclasses.asdict`
(bot/rasa_runtime/patches.py).

`DialogueStateTracker.current_state` is what Rasa sends with every custom action call. While a
form runs (the size form asks for height and weight over several turns, and its validation is an
action) it writes the active loop out with `dataclasses.asdict`, which walks the loop's
`trigger_message` (the whole parse of the message that started the form: intent ranking,
entities, tokens) and `copy.deepcopy`s every leaf: 228 µs a call against 13 µs for a pickle round
trip of the same dict (timeit, a 9-turn chat in the size form), and 6% of the event loop in a
cProfile at 50 buyers.

`trigger_message` is a `UserUttered`'s `parse_data`: JSON-ready dicts, lists and scalars (Rasa
posts it to action servers as JSON), where a pickle round trip builds what `asdict` builds: new
containers of the same types, equal values, nothing shared. Anything pickle cannot copy goes
Rasa's own way. The rest of the state is Rasa's code, unchanged.
tests/integration/rasa_runtime/test_loop_state.py compares both states for whole conversations
with and without a form.
"""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any, Dict, Optional, Text

from bot.rasa_runtime.pinning import Patch, rasa_attribute

tracker_class = rasa_attribute("rasa.shared.core.trackers", "DialogueStateTracker")


def active_loop_state(active_loop: Any) -> Dict[Text, Any]:
    """What `dataclasses.asdict(active_loop)` returns, for the loop Rasa keeps on a tracker."""
    if not active_loop:
        return {}
    try:
        trigger_message = pickle.loads(pickle.dumps(active_loop.trigger_message, protocol=pickle.HIGHEST_PROTOCOL))
    except (pickle.PicklingError, TypeError, AttributeError):
        return dataclasses.asdict(active_loop)
    return {
        "name": active_loop.name,
        "is_interrupted": active_loop.is_interrupted,
        "rejected": active_loop.rejected,
        "trigger_message": trigger_message,
    }


def current_state(self: Any, event_verbosity: Any = None) -> Dict[Text, Any]:
    """Returns the current tracker state as an object (Rasa's, with the active loop above)."""
    from rasa.shared.core.constants import ACTIVE_LOOP, FOLLOWUP_ACTION
    from rasa.shared.core.trackers import EventVerbosity

    events = self._events_for_verbosity(event_verbosity or EventVerbosity.NONE)
    events_as_dict = [e.as_dict() for e in events] if events is not None else None
    latest_event_time: Optional[float] = None
    if len(self.events) > 0:
        latest_event_time = self.events[-1].timestamp

    return {
        "sender_id": self.sender_id,
        "slots": self.current_slot_values(),
        "latest_message": self._latest_message_data(),
        "latest_event_time": latest_event_time,
        FOLLOWUP_ACTION: self.followup_action,
        "paused": self.is_paused(),
        "events": events_as_dict,
        "latest_input_channel": self.get_latest_input_channel(),
        ACTIVE_LOOP: active_loop_state(self.active_loop),
        "latest_action": self.latest_action,
        "latest_action_name": self.latest_action_name,
    }


def install(owner: Any) -> None:
    owner.current_state = current_state


PATCH = Patch(
    name="active loop state copied by pickle",
    target=tracker_class,
    attribute="current_state",
    source_sha256="a9f1526ceddf7a2871ca65f0f664bec9b06546942cdb37ff020e87747608244c",
    install=install,
)
