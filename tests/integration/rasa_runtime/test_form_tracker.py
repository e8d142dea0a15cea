"""Patch 17 (bot/rasa_runtime/form_tracker.py): a form's validation tracker, copied, is the
tracker Rasa's replay builds, attribute by attribute, after every event of whole conversations."""

from __future__ import annotations

from typing import Any, List

import pytest
from rasa.core.actions.forms import FormAction
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime import form_tracker, patches
from tests.integration.rasa_runtime.test_tracker_copy import (
    ALL,
    DOMAIN,
    a_buyer_who_pauses_and_interrupts_a_form,
    attributes,
    own_containers,
)

RASAS = patches.original_of(form_tracker.PATCH)
FORM = FormAction("size_form", None)


@pytest.fixture(autouse=True)
def applied() -> None:
    assert patches.apply()["form validation trackers copied"] is True
    assert FormAction._temporary_tracker is form_tracker.temporary_tracker


def candidates() -> List[Any]:
    return [SlotSet("height_cm", 172.0), SlotSet("weight_kg", 60.0)]


@pytest.mark.parametrize("conversation", ALL)
def test_after_every_event_the_validation_tracker_is_rasas(conversation: Any) -> None:
    tracker = DialogueStateTracker("buyer", DOMAIN.slots)
    tracker.model_id, tracker.assistant_id = "model-1", "shop-assistant"  # as the processor sets them
    copied = 0
    for step, event in enumerate(conversation()):
        tracker.update(event, DOMAIN)
        events = candidates()
        mine, rasas = FORM._temporary_tracker(tracker, events, DOMAIN), RASAS(FORM, tracker, events, DOMAIN)
        assert attributes(mine) == attributes(rasas), (step, event)
        # The session's events and the candidates are the same objects in both; the two events
        # the form adds are made anew by each.
        assert all(a is b for a, b in zip(list(mine.events)[:-4], list(rasas.events)[:-4]))
        assert list(mine.events)[-2:] == events and all(a is b for a, b in zip(list(mine.events)[-2:], events))
        own_containers(mine, tracker)
        copied += form_tracker._copies_like_a_replay(tracker, DOMAIN)
    assert copied > 0


def test_a_restart_in_the_session_is_replayed_as_rasa_does() -> None:
    from rasa.shared.core.events import Restarted

    tracker = DialogueStateTracker.from_events("buyer", list(a_buyer_who_pauses_and_interrupts_a_form()), DOMAIN.slots)
    assert form_tracker._copies_like_a_replay(tracker, DOMAIN)
    tracker.update(Restarted())
    assert not form_tracker._copies_like_a_replay(tracker, DOMAIN)
    events = candidates()
    assert attributes(FORM._temporary_tracker(tracker, events, DOMAIN)) == attributes(RASAS(FORM, tracker, events, DOMAIN))


def test_slots_other_than_the_domains_are_replayed_as_rasa_does() -> None:
    tracker = DialogueStateTracker.from_events("buyer", list(a_buyer_who_pauses_and_interrupts_a_form()), DOMAIN.slots[:3])
    assert not form_tracker._copies_like_a_replay(tracker, DOMAIN)
    events = candidates()
    assert attributes(FORM._temporary_tracker(tracker, events, DOMAIN)) == attributes(RASAS(FORM, tracker, events, DOMAIN))


def test_validating_leaves_the_buyers_tracker_as_it_was() -> None:
    tracker = DialogueStateTracker.from_events("buyer", list(a_buyer_who_pauses_and_interrupts_a_form()), DOMAIN.slots)
    before = attributes(tracker.copy())
    temporary = FORM._temporary_tracker(tracker, candidates(), DOMAIN)
    assert temporary.get_slot("height_cm") == 172.0
    assert attributes(tracker.copy()) == before
