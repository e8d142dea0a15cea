"""Patch 14 (bot/rasa_runtime/tracker_copy.py): a tracker copied from its state is the tracker
Rasa's replay builds, attribute by attribute, and shares nothing with the original that Rasa's
copy does not share."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    LoopInterrupted,
    SlotSet,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime import patches, tracker_copy
from bot.settings import PROJECT_ROOT
from tests.integration.rasa_runtime.conversations import CONVERSATIONS, answered, said, session_start

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
RASAS = patches.original_of(tracker_copy.PATCH)


def a_buyer_who_pauses_and_interrupts_a_form() -> Iterator[Any]:
    yield from session_start()
    yield from said("ask_size", "帮我看看尺码")
    yield DefinePrevUserUtteredFeaturization(False)
    yield ActionExecuted("size_form")
    yield ActiveLoop("size_form")
    yield SlotSet("requested_slot", "height_cm")
    yield from said("ask_free_shipping", "包邮吗")
    yield EntitiesAdded([{"entity": "product", "value": "T恤", "start": 0, "end": 2}])
    yield ActionExecutionRejected("size_form")
    yield LoopInterrupted(True)
    yield from answered("action_free_shipping")
    yield ActionExecuted("size_form")
    yield from said("inform", "170", ("height", "170"))
    yield ActionExecuted("size_form")
    yield SlotSet("height_cm", 170.0)
    yield ConversationPaused()
    yield from said("request_human", "人呢")
    yield ConversationResumed()
    yield AllSlotsReset()
    yield from answered("action_greet", BotUttered("亲，在的呢", {"buttons": []}))


ALL = [*CONVERSATIONS, a_buyer_who_pauses_and_interrupts_a_form]


@pytest.fixture(autouse=True)
def applied() -> None:
    assert patches.apply()["trackers copied from their state"] is True
    assert DialogueStateTracker.copy is tracker_copy.copy_from_state


def attributes(tracker: DialogueStateTracker) -> Dict[str, Any]:
    """Rasa's attributes (what patches keep on a tracker left out), slots by their own state."""
    kept = {name: value for name, value in vars(tracker).items() if not name.startswith("_shop_")}
    kept["slots"] = {name: (type(slot), vars(slot)) for name, slot in tracker.slots.items()}
    kept["events"] = (list(tracker.events), tracker.events.maxlen)
    return kept


def same_objects_where_rasa_shares(mine: DialogueStateTracker, rasas: DialogueStateTracker) -> None:
    assert all(a is b for a, b in zip(mine.events, rasas.events))
    for latest in ("latest_message", "latest_bot_utterance"):
        theirs = getattr(rasas, latest)
        if any(event is theirs for event in rasas.events):  # else the empty one of a reset, made anew
            assert getattr(mine, latest) is theirs, latest
        else:
            assert getattr(mine, latest) == theirs and not any(event is getattr(mine, latest) for event in mine.events)
    for name, slot in mine.slots.items():
        assert slot.value is rasas.slots[name].value or slot.value == rasas.slots[name].value, name


def own_containers(copied: DialogueStateTracker, original: DialogueStateTracker) -> None:
    assert copied.events is not original.events
    assert all(copied.slots[name] is not slot for name, slot in original.slots.items())
    assert copied.slots is not original.slots
    assert copied.latest_action is None or copied.latest_action is not original.latest_action
    assert copied.active_loop is None or copied.active_loop is not original.active_loop


@pytest.mark.parametrize("conversation", ALL)
def test_after_every_event_the_copy_is_rasas(conversation: Any) -> None:
    tracker = DialogueStateTracker("buyer", DOMAIN.slots)
    tracker.model_id, tracker.assistant_id = "model-1", "shop-assistant"  # as the processor sets them
    for step, event in enumerate(conversation()):
        tracker.update(event, DOMAIN)
        tracker.applied_events()  # patch 10 keeps its result on the tracker: not to be copied
        mine, rasas = tracker.copy(), RASAS(tracker)
        assert attributes(mine) == attributes(rasas), (step, event)
        same_objects_where_rasa_shares(mine, rasas)
        own_containers(mine, tracker)


def test_changing_the_copy_leaves_the_tracker_as_it_was() -> None:
    tracker = DialogueStateTracker.from_events("buyer", list(a_buyer_who_pauses_and_interrupts_a_form()), DOMAIN.slots)
    tracker.update(ActiveLoop("size_form"))
    before = attributes(RASAS(tracker))
    copied = tracker.copy()
    copied.update_with_events([SlotSet("size", "L"), LoopInterrupted(True), ActionExecuted("action_listen")], DOMAIN)
    copied.update(ActionExecutionRejected("size_form"))
    assert attributes(RASAS(tracker)) == before
    assert tracker.get_slot("size") is None and copied.get_slot("size") == "L"
    assert tracker.active_loop is not None and not tracker.active_loop.rejected


@pytest.mark.parametrize("conversation", CONVERSATIONS)
def test_a_bounded_history_or_slots_made_on_demand_are_replayed_as_rasa_does(conversation: Any) -> None:
    # Replaying a bounded history loses what its dropped events set: that copy stays Rasa's.
    bounded = DialogueStateTracker.from_events("buyer", list(conversation()), DOMAIN.slots, max_event_history=5)
    on_demand = DialogueStateTracker.from_events("buyer", list(conversation()), None)
    for tracker in (bounded, on_demand):
        assert tracker_copy.replays_differently(tracker)
        assert attributes(tracker.copy()) == attributes(RASAS(tracker))


def test_copies_are_what_rasa_then_predicts_and_logs_on() -> None:
    # `_run_action`'s use: the prediction's events on the copy, then the copy's state as sent
    # to an action; both ways the same.
    tracker = DialogueStateTracker.from_events("buyer", list(a_buyer_who_pauses_and_interrupts_a_form()), DOMAIN.slots)
    mine, rasas = tracker.copy(), RASAS(tracker)
    added = DefinePrevUserUtteredFeaturization(False)
    for copied in (mine, rasas):
        copied.update_with_events([added], DOMAIN, override_timestamp=False)
    states: List[Any] = [copied.current_state() for copied in (mine, rasas)]
    assert states[0] == states[1]
    assert mine.past_states(DOMAIN) == rasas.past_states(DOMAIN)


def test_the_empty_message_of_a_new_session_is_the_copys_own() -> None:
    # Before the buyer's first message the latest message is the empty one a reset made; an
    # event can still change it in place (entities added after the listen action).
    tracker = DialogueStateTracker.from_events("buyer", [*session_start(), ActionExecuted("action_listen")], DOMAIN.slots)
    copied = tracker.copy()
    copied.update(EntitiesAdded([{"entity": "product", "value": "T恤", "start": 0, "end": 2}]))
    assert copied.latest_message.entities and not tracker.latest_message.entities
