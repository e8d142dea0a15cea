"""Patch 16 (bot/rasa_runtime/loop_state.py): a tracker's state is Rasa's own, after every event
of whole conversations with and without a form, and its active loop shares nothing with the
tracker."""

from __future__ import annotations

from typing import Any, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.rasa_runtime import loop_state, patches
from bot.settings import PROJECT_ROOT
from tests.integration.rasa_runtime.conversations import CONVERSATIONS, session_start

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
RASAS = patches.original_of(loop_state.PATCH)


@pytest.fixture(autouse=True)
def applied() -> None:
    assert patches.apply()["active loop state copied by pickle"] is True
    assert DialogueStateTracker.current_state is loop_state.current_state


def a_form_started_by_a_rich_parse() -> List[Any]:
    """A form whose trigger message carries what our NLU writes: a ranking, entities, nested
    metadata and a float confidence."""
    parse = {
        "text": "我一米七穿多大",
        "intent": {"name": "ask_size", "confidence": 0.91},
        "entities": [{"entity": "height_cm", "value": 170.0, "start": 1, "end": 4, "extractor": "rules"}],
        "intent_ranking": [{"name": "ask_size", "confidence": 0.91}, {"name": "ask_product", "confidence": 0.05}],
        "metadata": {"channel": {"shop": "demo", "tags": ["vip", "新客"]}},
    }
    return [
        *session_start(),
        ActionExecuted("action_listen"),
        UserUttered(parse["text"], parse["intent"], parse["entities"], parse),
        ActionExecuted("size_form"),
        ActiveLoop("size_form"),
    ]


def conversations() -> List[List[Any]]:
    return [list(conversation()) for conversation in CONVERSATIONS] + [a_form_started_by_a_rich_parse()]


def test_the_state_is_rasas_after_every_event() -> None:
    forms_seen = 0
    for events in conversations():
        tracker = DialogueStateTracker("buyer", DOMAIN.slots)
        for event in events:
            tracker.update(event)
            forms_seen += bool(tracker.active_loop)
            for verbosity in EventVerbosity:
                assert tracker.current_state(verbosity) == RASAS(tracker, verbosity)
            assert tracker.current_state() == RASAS(tracker)
    assert forms_seen > 3  # the active loop's way was taken, not only the empty one


def test_the_active_loop_in_the_state_shares_nothing_with_the_tracker() -> None:
    tracker = DialogueStateTracker.from_events("buyer", a_form_started_by_a_rich_parse(), DOMAIN.slots)
    state = tracker.current_state()["active_loop"]
    trigger = state["trigger_message"]
    assert trigger == tracker.active_loop.trigger_message
    trigger["entities"][0]["value"] = 160.0
    trigger["metadata"]["channel"]["tags"].append("changed")
    assert tracker.active_loop.trigger_message["entities"][0]["value"] == 170.0
    assert tracker.active_loop.trigger_message["metadata"]["channel"]["tags"] == ["vip", "新客"]


def test_what_pickle_cannot_copy_goes_rasas_way() -> None:
    tracker = DialogueStateTracker.from_events("buyer", a_form_started_by_a_rich_parse(), DOMAIN.slots)

    def not_picklable() -> None:  # deepcopy keeps a function as it is; pickle refuses a local one
        return None

    tracker.active_loop.trigger_message["metadata"]["callback"] = not_picklable
    state = tracker.current_state()
    assert state == RASAS(tracker)
    assert state["active_loop"]["trigger_message"]["metadata"]["callback"] is not_picklable
