"""Patch 9 (bot/rasa_runtime/rule_states.py): the dialogue states carried forward are Rasa's own.

Each conversation grows one tracker event by event, as a server does between predictions, and
after every event the patched states are compared with the states Rasa's code computes from
scratch: undos, a form, a restart and a new session included.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUtteranceReverted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.io import read_yaml_file

from bot.rasa_runtime import patches, rule_states
from bot.settings import PROJECT_ROOT
from tests.integration.rasa_runtime.conversations import (
    CONVERSATIONS,
    a_buyer_asking_for_a_size,
    a_buyer_in_rule_only_turns,
    a_buyer_who_is_misread_and_undone,
)

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def domain_with_featured_slots() -> Domain:
    """Our slots do not influence the conversation; these do, so that their states are checked too."""
    data = read_yaml_file(str(PROJECT_ROOT / "domain.yml"))
    for name in ("size", "order_id", "bargain_count", "height_cm"):
        data["slots"][name]["influence_conversation"] = True
    data["slots"]["bargain_count"]["initial_value"] = 1.0  # in the states until set, unless omitted
    return Domain.from_dict(data)


DOMAINS = [DOMAIN, domain_with_featured_slots()]


def rasas_states(tracker: DialogueStateTracker, domain: Domain = DOMAIN, **way: Any) -> List[Any]:
    return patches.original_of(rule_states.PATCH)(domain, tracker, **way)


RULE_ONLY = {"rule_only_slots": ["height_cm", "requested_slot"], "rule_only_loops": ["size_form"]}
# The rule policy asks without ignoring rule-only turns; the memoization policy ignores them and
# passes what occurs only in rules.
WAYS = [
    {"omit_unset_slots": False},
    {"omit_unset_slots": True},
    {"ignore_rule_only_turns": True, "rule_only_data": None},
    {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY},
    {"omit_unset_slots": True, "ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY},
]


@pytest.fixture(autouse=True)
def applied() -> None:
    assert patches.apply()["dialogue states carried forward"] is True
    assert Domain.states_for_tracker_history is rule_states.states_for_tracker_history


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("conversation", CONVERSATIONS)
@pytest.mark.parametrize("way", WAYS)
def test_after_every_event_the_states_are_rasas(domain: Domain, conversation: Any, way: Dict[str, Any]) -> None:
    tracker = DialogueStateTracker("buyer", domain.slots)
    for step, event in enumerate(conversation()):
        tracker.update(event)
        expected = rasas_states(tracker, domain=domain, **way)
        assert domain.states_for_tracker_history(tracker, **way) == expected, (step, event)
        # A second prediction of the same turn (the rule policy asks twice) replays nothing.
        assert domain.states_for_tracker_history(tracker, **way) == expected, (step, event)


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("conversation", CONVERSATIONS)
@pytest.mark.parametrize("way", WAYS)
def test_asked_only_before_actions_as_a_server_asks_the_states_are_rasas(
    domain: Domain, conversation: Any, way: Dict[str, Any]
) -> None:
    # Between two predictions an undo and a new message can leave as many events as before.
    tracker = DialogueStateTracker("buyer", domain.slots)
    for step, event in enumerate(conversation()):
        if isinstance(event, ActionExecuted):
            assert domain.states_for_tracker_history(tracker, **way) == rasas_states(tracker, domain=domain, **way), step
        tracker.update(event)


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("conversation", CONVERSATIONS)
def test_asking_each_way_in_turn_gives_rasas_states(domain: Domain, conversation: Any) -> None:
    tracker = DialogueStateTracker("buyer", domain.slots)
    for step, event in enumerate(conversation()):
        tracker.update(event)
        for way in WAYS[step % 3 :]:
            assert domain.states_for_tracker_history(tracker, **way) == rasas_states(tracker, domain=domain, **way), step


def test_rule_only_data_changed_in_place_is_read_as_it_now_is() -> None:
    domain = DOMAINS[1]
    tracker = DialogueStateTracker.from_events("buyer", list(a_buyer_in_rule_only_turns()), domain.slots)
    rule_only: Dict[str, Any] = {"rule_only_slots": [], "rule_only_loops": []}
    way = {"ignore_rule_only_turns": True, "rule_only_data": rule_only}
    before = domain.states_for_tracker_history(tracker, **way)
    rule_only["rule_only_slots"].append("height_cm")
    after = domain.states_for_tracker_history(tracker, **way)
    assert after == rasas_states(tracker, domain, **way) and after != before


@pytest.mark.parametrize("conversation", CONVERSATIONS)
@pytest.mark.parametrize("way", WAYS)
def test_a_caller_editing_the_states_does_not_change_the_next_answer(conversation: Any, way: Dict[str, Any]) -> None:
    tracker = DialogueStateTracker("buyer", DOMAIN.slots)
    for event in conversation():
        tracker.update(event)
        for state in DOMAIN.states_for_tracker_history(tracker, **way):
            # What the featurizer does to the last user state, and worse.
            state.get("user", {}).pop("text", None)
            state.get("prev_action", {})["action_name"] = "edited"
            state.pop("slots", None)
            state.clear()
        assert DOMAIN.states_for_tracker_history(tracker, **way) == rasas_states(tracker, **way)


def test_the_same_events_in_a_new_tracker_or_another_domain_start_over() -> None:
    events = list(a_buyer_who_is_misread_and_undone())
    first = DialogueStateTracker.from_events("buyer", events, DOMAIN.slots)
    DOMAIN.states_for_tracker_history(first)
    rebuilt = DialogueStateTracker.from_events("buyer", copy.deepcopy(events), DOMAIN.slots)
    assert DOMAIN.states_for_tracker_history(rebuilt) == rasas_states(rebuilt)
    # A domain that no longer knows an entity the buyer gave (a new model, say).
    data = read_yaml_file(str(PROJECT_ROOT / "domain.yml"))
    data["entities"].remove("product")
    other = Domain.from_dict(data)
    sizing = DialogueStateTracker.from_events("buyer", list(a_buyer_asking_for_a_size()), DOMAIN.slots)
    assert DOMAIN.states_for_tracker_history(sizing) == rasas_states(sizing)
    assert other.states_for_tracker_history(sizing) == rasas_states(sizing, domain=other)
    assert other.states_for_tracker_history(sizing) != DOMAIN.states_for_tracker_history(sizing)


def test_a_copied_tracker_does_not_carry_the_replay() -> None:
    tracker = DialogueStateTracker.from_events("buyer", list(a_buyer_asking_for_a_size()), DOMAIN.slots)
    DOMAIN.states_for_tracker_history(tracker)
    assert isinstance(tracker.__dict__.get(rule_states.ATTRIBUTE), rule_states.Walks)
    assert copy.deepcopy(tracker).__dict__.get(rule_states.ATTRIBUTE) is None
    # A shallow copy shares the replay object, but the replay knows whose it is.
    for copied in (copy.deepcopy(tracker), copy.copy(tracker)):
        copied.update(UserUtteranceReverted())
        assert DOMAIN.states_for_tracker_history(copied) == rasas_states(copied)
    assert DOMAIN.states_for_tracker_history(tracker) == rasas_states(tracker)


def test_the_walks_are_kept_per_way_of_asking() -> None:
    tracker = DialogueStateTracker.from_events("buyer", list(a_buyer_asking_for_a_size()), DOMAIN.slots)
    for way in WAYS:
        DOMAIN.states_for_tracker_history(tracker, **way)
    walks = tracker.__dict__[rule_states.ATTRIBUTE]
    assert sorted(walks) == [(False, False), (False, True), (True, False), (True, True)]


def test_the_state_key_is_rasas() -> None:
    from rasa.shared.core.constants import PREVIOUS_ACTION

    assert rule_states.PREVIOUS_ACTION == PREVIOUS_ACTION
