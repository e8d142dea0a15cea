"""Patch 12 (bot/rasa_runtime/rule_keys.py): the trained rule policy's possible rules are Rasa's,
as a set and in the order the set iterates (Rasa takes the longest with `max`), for every state
of whole conversations and for the rules' own states, for both lookups."""

from __future__ import annotations

import itertools
from typing import Any, Iterator, List

import pytest
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH
from rasa.shared.core.trackers import DialogueStateTracker

from bot.model_files import trained_model
from bot.rasa_runtime import patches, rule_keys
from tests.integration.rasa_runtime.conversations import (
    a_buyer_asking_for_a_size,
    a_buyer_in_rule_only_turns,
    a_buyer_who_is_misread_and_undone,
)

RASA = patches.original_of(rule_keys.PATCH)


@pytest.fixture(scope="module")
def loaded() -> Any:
    from rasa.core.agent import Agent

    assert patches.apply()["rules indexed by the latest previous action"]
    processor = Agent.load(str(trained_model())).processor
    policy = processor.graph_runner._instantiated_nodes["run_RulePolicy1"]._component
    return processor, policy


def conversation_states(processor: Any, policy: Any) -> Iterator[List[Any]]:
    for conversation in (a_buyer_asking_for_a_size, a_buyer_who_is_misread_and_undone, a_buyer_in_rule_only_turns):
        events = list(conversation())
        for end in range(1, len(events) + 1):
            tracker = DialogueStateTracker.from_events("buyer", events[:end], processor.domain.slots)
            for use_text in (False, True):
                yield policy._prediction_states(tracker, processor.domain, use_text, rule_only_data=policy._get_rule_only_data())


def rules_own_states(policy: Any) -> Iterator[List[Any]]:
    """Each rule's states, and the states of one rule followed by the last of another: states
    that match rules, and that match some of a rule and then fail."""
    keys = sorted(policy.lookup[RULES])
    for key in keys:
        yield policy._rule_key_to_state(key)
    for first, second in itertools.islice(itertools.permutations(keys, 2), 3000):
        yield policy._rule_key_to_state(first)[:-1] + policy._rule_key_to_state(second)[-1:]


def test_possible_rules_are_rasas_in_rasas_order(loaded: Any) -> None:
    processor, policy = loaded
    checked = matched = 0
    for states in itertools.chain(conversation_states(processor, policy), rules_own_states(policy), [[]]):
        for lookup_name in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH):
            lookup = policy.lookup[lookup_name]
            ours = rule_keys.get_possible_keys(policy, lookup, states)
            theirs = RASA(policy, lookup, states)
            assert list(ours) == list(theirs)
            checked += 1
            matched += bool(theirs) and len(theirs) < len(lookup)
    assert checked > 1000 and matched > 100  # the comparison saw rules kept and rules dropped


def test_a_changed_lookup_is_indexed_anew(loaded: Any) -> None:
    _processor, policy = loaded
    states = policy._rule_key_to_state(sorted(policy.lookup[RULES])[0])
    lookup = dict(policy.lookup[RULES])
    assert rule_keys.get_possible_keys(policy, lookup, states) == RASA(policy, lookup, states)
    lookup.pop(next(iter(rule_keys.get_possible_keys(policy, lookup, states))))
    assert rule_keys.get_possible_keys(policy, lookup, states) == RASA(policy, lookup, states)


def test_rules_that_name_no_previous_action_are_always_checked(loaded: Any) -> None:
    import json

    _processor, policy = loaded
    greet = {"intent": "greet"}
    rules = [
        [{"user": greet}],  # a conversation's start: no previous action
        [{"prev_action": {"action_text": "亲在的"}, "user": greet}],
        [{"prev_action": {"action_name": "should_not_be_set"}}],
        [{"prev_action": {"action_name": "action_listen"}, "user": greet}],
        [{}, {"prev_action": {"action_name": "action_listen"}, "user": greet}],
    ]
    lookup = {json.dumps(rule): "action_greet" for rule in rules}
    index = rule_keys.build_index(policy, lookup)
    assert len(index.any_action) == 3 and len(index.by_action["action_listen"]) == 2
    conversations = [
        [{"user": greet}],
        [{"prev_action": {"action_text": "亲在的"}, "user": greet}],
        [{}, {"prev_action": {"action_name": "action_listen"}, "user": greet}],
        [{"prev_action": {"action_name": "action_listen"}, "user": greet}],
        [{"prev_action": {"action_name": "action_greet"}}],
    ]
    kept_without_a_named_action = 0
    for states in conversations:
        ours = rule_keys.get_possible_keys(policy, lookup, states)
        assert list(ours) == list(RASA(policy, lookup, states))
        kept_without_a_named_action += len(ours & set(index.any_action))
    assert kept_without_a_named_action >= 3
