"""Patch 17: a form's validation tracker copied, not replayed (bot/rasa_runtime/patches.py).

Each turn of a running form that fills a slot calls the form's validation action with a
temporary tracker: `FormAction._temporary_tracker` builds a new tracker from every event since
the last restart, plus three it adds (the requested slot, the form's own action, the slot
candidates). Replaying the bounded session event by event was 4% of the event loop in a cProfile
at 50 buyers (507 replays for 800 messages).

With no restart in the session, "every event since the last restart" is every event, and a
replay of every event onto a tracker with the domain's slots is what `copy()` gives (patch 14
takes it from the tracker's state; without patch 14 it is Rasa's own replay). So the temporary
tracker is a copy with the three events applied, as `from_events` applies them. Where the two
could differ, Rasa's replay runs: a restart in the session, a tracker whose slots are not the
domain's, a rule tracker, or a tracker patch 14 leaves to Rasa (a bounded history, a class of
its own). tests/integration/rasa_runtime/test_form_tracker.py compares both trackers attribute
by attribute after every event of whole conversations.
"""

from __future__ import annotations

from typing import Any, List

from bot.rasa_runtime.pinning import Patch, Pin, rasa_attribute
from bot.rasa_runtime.slot_copy import tracker_class
from bot.rasa_runtime.tracker_copy import replays_differently

form_action_class = rasa_attribute("rasa.core.actions.forms", "FormAction")
restarted_class = rasa_attribute("rasa.shared.core.events", "Restarted")

_rasa_temporary_tracker: Any = None


def _has_the_domains_slots(tracker: Any, domain: Any) -> bool:
    slots = tracker.slots
    return len(slots) == len(domain.slots) and all(type(slots.get(slot.name)) is type(slot) for slot in domain.slots)


def _copies_like_a_replay(tracker: Any, domain: Any) -> bool:
    restarted = restarted_class()
    return (
        not replays_differently(tracker)
        and not tracker.is_rule_tracker
        and _has_the_domains_slots(tracker, domain)
        # by the events' classes: `isinstance` on every event goes through ABCMeta's check
        and not any(issubclass(kind, restarted) for kind in {type(event) for event in tracker.events})
    )


def temporary_tracker(self: Any, current_tracker: Any, additional_events: List[Any], domain: Any) -> Any:
    """Rasa's temporary tracker for the form's validation action, copied where that is the same."""
    if not _copies_like_a_replay(current_tracker, domain):
        return _rasa_temporary_tracker(self, current_tracker, additional_events, domain)
    from rasa.shared.core.constants import REQUESTED_SLOT
    from rasa.shared.core.events import ActionExecuted, SlotSet

    tracker = current_tracker.copy()
    tracker.model_id = None  # a new tracker's, as `from_events` builds it
    tracker.assistant_id = None
    for event in [
        SlotSet(REQUESTED_SLOT, self.get_slot_to_fill(current_tracker)),
        ActionExecuted(self.name()),
        *additional_events,
    ]:
        tracker.update(event, None)
    return tracker


def install(owner: Any) -> None:
    global _rasa_temporary_tracker
    _rasa_temporary_tracker = owner._temporary_tracker
    owner._temporary_tracker = temporary_tracker


PATCH = Patch(
    name="form validation trackers copied",
    target=form_action_class,
    attribute="_temporary_tracker",
    source_sha256="381bc4b6e07fc205a4189558635d11392464a81d89499188542246f8376d8ee7",
    install=install,
    # What the replay replaced here is: a new tracker, every event given to `update` in order.
    also_pinned=(
        Pin(tracker_class, "from_events", "820a9cbb7dd5ce34a71b4301469f81f00754683952fd7b306f46ea46a400eb62"),
        Pin(tracker_class, "events_after_latest_restart", "8d0c1c5a15654eb41337b88aa438311e818aa97ae79ef86855808026776e09f6"),
        Pin(tracker_class, "update", "b55e6b1c724fa6e916399f81ea51dd5600ad6702f0b172923a83ca84bc23c668"),
    ),
)
