"""Patch 10 (bot/rasa_runtime/applied_events.py): the applied events kept on a tracker are Rasa's."""

from __future__ import annotations

import copy
from typing import Any, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUtteranceReverted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime import applied_events, patches
from bot.settings import PROJECT_ROOT
from tests.integration.rasa_runtime.conversations import CONVERSATIONS, a_buyer_asking_for_a_size, said

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def rasas(tracker: DialogueStateTracker) -> List[Any]:
    return patches.original_of(applied_events.PATCH)(tracker)


def same_events(mine: List[Any], theirs: List[Any]) -> bool:
    return len(mine) == len(theirs) and all(a is b for a, b in zip(mine, theirs))


@pytest.fixture(autouse=True)
def applied() -> None:
    assert patches.apply()["applied events extended"] is True
    assert DialogueStateTracker.applied_events is applied_events.applied_events


@pytest.mark.parametrize("conversation", CONVERSATIONS)
@pytest.mark.parametrize("max_event_history", [None, 7])
def test_after_every_event_the_applied_events_are_rasas(conversation: Any, max_event_history: Any) -> None:
    tracker = DialogueStateTracker("buyer", DOMAIN.slots, max_event_history)
    for step, event in enumerate(conversation()):
        tracker.update(event)
        assert same_events(tracker.applied_events(), rasas(tracker)), (step, event)
        if step % 3 == 0:  # and asked again with nothing new
            assert same_events(tracker.applied_events(), rasas(tracker)), (step, event)


@pytest.mark.parametrize("conversation", CONVERSATIONS)
def test_asked_only_before_actions_the_applied_events_are_rasas(conversation: Any) -> None:
    tracker = DialogueStateTracker("buyer", DOMAIN.slots)
    for step, event in enumerate(conversation()):
        if isinstance(event, ActionExecuted):
            assert same_events(tracker.applied_events(), rasas(tracker)), (step, event)
        tracker.update(event)


def test_a_loop_activated_later_undoes_its_earlier_runs_as_rasa_does() -> None:
    # The loop's name is first seen after its runs: Rasa's walk then treats them differently,
    # so the kept result must not simply grow.
    tracker = DialogueStateTracker("buyer", DOMAIN.slots)
    events = [
        *said("ask_size", "我穿什么码"),
        ActionExecuted("size_form"),
        SlotSet("requested_slot", "height_cm"),
        *said("inform", "165"),
        ActionExecuted("size_form"),
        ActiveLoop("size_form"),
        ActionExecuted("size_form"),
    ]
    for step, event in enumerate(events):
        tracker.update(event)
        assert same_events(tracker.applied_events(), rasas(tracker)), step


def test_callers_get_their_own_list() -> None:
    tracker = DialogueStateTracker.from_events("buyer", list(a_buyer_asking_for_a_size()), DOMAIN.slots)
    for _ in range(3):  # the first answer is Rasa's walk, the next ones the kept result
        tracker.applied_events().clear()
    assert same_events(tracker.applied_events(), rasas(tracker)) and rasas(tracker)


def test_copies_of_a_tracker_start_without_the_kept_events() -> None:
    tracker = DialogueStateTracker.from_events("buyer", list(a_buyer_asking_for_a_size()), DOMAIN.slots)
    tracker.applied_events()
    assert isinstance(tracker.__dict__[applied_events.ATTRIBUTE], applied_events.Applied)
    deep = copy.deepcopy(tracker)
    assert deep.__dict__[applied_events.ATTRIBUTE] is None
    deep.update(UserUtteranceReverted())
    assert same_events(deep.applied_events(), rasas(deep))
    # A tracker given a new deque of events (as a merge would) is walked anew, also when the new
    # one is as long and ends with the same event.
    events = list(tracker.events)
    tracker.events = type(tracker.events)([*events[1:5], UserUtteranceReverted(), *events[5:]])
    assert same_events(tracker.applied_events(), rasas(tracker))
    tracker.events = type(tracker.events)(events[:-3])
    assert same_events(tracker.applied_events(), rasas(tracker))


def test_a_chat_that_only_grows_is_walked_by_rasa_once(monkeypatch: pytest.MonkeyPatch) -> None:
    walks = []
    rasas_walk = applied_events._original
    monkeypatch.setattr(applied_events, "_original", lambda tracker: walks.append(1) or rasas_walk(tracker))
    tracker = DialogueStateTracker("buyer", DOMAIN.slots)
    turns = [*said("greet", "在吗"), ActionExecuted("action_greet"), *said("ask_free_shipping", "包邮吗")]
    for event in [*turns, ActionExecuted("action_free_shipping"), *said("thank", "谢谢")]:
        tracker.update(event)
        assert same_events(tracker.applied_events(), rasas(tracker))
    assert len(walks) == 1
