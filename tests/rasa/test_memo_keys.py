"""Patch 13 (bot/rasa_runtime/memo_keys.py): the trained memoization policy recalls what Rasa's
compressed lookup recalls, for the stories' own states (every memorised key is hit) and for every
state of whole conversations."""

from __future__ import annotations

import base64
import zlib
from typing import Any, Iterator, List

import pytest
from rasa.core.training import load_data
from rasa.shared.core.trackers import DialogueStateTracker

from bot.model_files import trained_model
from bot.rasa_runtime import memo_keys, patches
from tests.integration.rasa_runtime.conversations import (
    a_buyer_asking_for_a_size,
    a_buyer_in_rule_only_turns,
    a_buyer_who_is_misread_and_undone,
    answered,
    said,
    session_start,
)

RASA = patches.original_of(memo_keys.PATCH)


@pytest.fixture(scope="module")
def loaded() -> Any:
    from rasa.core.agent import Agent

    assert patches.apply()["memoization looks states up uncompressed"]
    processor = Agent.load(str(trained_model())).processor
    policy = processor.graph_runner._instantiated_nodes["run_MemoizationPolicy0"]._component
    assert policy.config["enable_feature_string_compression"] and policy.lookup
    return processor, policy


def stories_states(processor: Any, policy: Any) -> List[List[Any]]:
    trackers = load_data("data/stories", processor.domain, augmentation_factor=0)
    states, _actions = policy.featurizer.training_states_and_labels(trackers, processor.domain)
    return states


def conversation_states(processor: Any, policy: Any) -> Iterator[List[Any]]:
    conversations = [
        list(c()) for c in (a_buyer_asking_for_a_size, a_buyer_who_is_misread_and_undone, a_buyer_in_rule_only_turns)
    ]
    # ...and a session longer than any story.
    long_session = session_start() + [e for _ in range(12) for e in said("greet", "在吗") + answered("action_greet")]
    for events in [*conversations, long_session]:
        for end in range(1, len(events) + 1):
            tracker = DialogueStateTracker.from_events("buyer", events[:end], processor.domain.slots)
            yield policy._prediction_states(tracker, processor.domain, rule_only_data={})


def test_every_memorised_story_is_recalled_as_rasa_recalls_it(loaded: Any) -> None:
    processor, policy = loaded
    hit = set()
    for states in stories_states(processor, policy):
        ours, theirs = memo_keys.recall_states(policy, states), RASA(policy, states)
        assert ours == theirs
        if theirs is not None:
            hit.add(policy._create_feature_key(states))
    assert hit == set(policy.lookup)


def test_conversations_are_recalled_as_rasa_recalls_them(loaded: Any) -> None:
    processor, policy = loaded
    checked = recalled = 0
    for states in conversation_states(processor, policy):
        theirs = RASA(policy, states)
        assert memo_keys.recall_states(policy, states) == theirs
        checked += 1
        recalled += theirs is not None
    assert checked > 30 and 0 < recalled < checked  # both recalled and unknown conversations compared
    assert memo_keys.recall_states(policy, []) is RASA(policy, []) is None


def test_the_text_is_rasas_json_without_quotes(loaded: Any) -> None:
    processor, policy = loaded
    for states in stories_states(processor, policy):
        key = policy._create_feature_key(states)
        assert base64.b64encode(zlib.compress(memo_keys.states_text(states).encode())).decode() == key


def test_a_key_this_zlib_would_not_write_is_never_hit(loaded: Any) -> None:
    """Rasa compares compressed keys: one compressed differently (another zlib level here) never
    matches Rasa's key of the same states, so it must not match ours either."""
    _processor, policy = loaded
    states = [{}, {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]
    text = memo_keys.states_text(states)
    other = base64.b64encode(zlib.compress(text.encode(), 1)).decode()
    assert other != policy._create_feature_key(states)
    assert memo_keys.read_keys({other: "utter_greet"}, compressed=True).actions == {}
    same = policy._create_feature_key(states)
    assert memo_keys.read_keys({same: "utter_greet"}, compressed=True).actions == {text: "utter_greet"}


def test_a_replaced_lookup_is_read_anew(loaded: Any) -> None:
    processor, policy = loaded
    states = stories_states(processor, policy)[0]
    original = policy.lookup
    try:
        policy.lookup = {policy._create_feature_key(states): "action_replaced"}
        assert memo_keys.recall_states(policy, states) == RASA(policy, states) == "action_replaced"
    finally:
        policy.lookup = original
    assert memo_keys.recall_states(policy, states) == RASA(policy, states)
