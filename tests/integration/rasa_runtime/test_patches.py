"""The pinned fixes to Rasa 3.6.21: still the code they were written for, and correct."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_runtime import applied_events, parsing, patches, rule_states
from bot.rasa_runtime.graph_runner import run_graph
from tests.conftest import handoffs_of


def test_each_patch_targets_the_rasa_code_it_was_written_for() -> None:
    # Fails when Rasa is upgraded or its internals change: re-check each fix against the new
    # code, then update the fingerprint (or drop the patch).
    assert patches.rasa_version() == patches.RASA_VERSION
    for patch in patches.PATCHES:
        original = patches.original_of(patch)
        assert original not in (
            patches._validate_action_result,
            patches._resolve_by_type,
            patches._run_or_hand_off,
            parsing.parse_with_cache,
            parsing.parse_message_off_the_loop,
            patches._run_in_process,
            run_graph,
            rule_states.states_for_tracker_history,
            applied_events.applied_events,
        )
        assert patches.source_fingerprint(original) == patch.source_sha256, patch.name
        for pin in patch.also_pinned:
            assert pin.holds(), (patch.name, pin.attribute)


def test_applied_validation_accepts_and_rejects_what_rasa_does() -> None:
    assert patches.apply()["action result schema validator built once"] is True
    assert RemoteAction._validate_action_result is patches._validate_action_result
    action = RemoteAction.__new__(RemoteAction)
    good = {"events": [{"event": "slot", "name": "size", "value": "M"}], "responses": [{"text": "亲"}]}
    assert action._validate_action_result(good) is True
    with pytest.raises(ValidationError) as raised:
        action._validate_action_result({"events": [{"event": "no_such_event"}]})
    assert "Failed to validate Action server response" in raised.value.message
    with pytest.raises(ValidationError):
        action._validate_action_result({"responses": "not a list"})


def test_the_validator_is_built_once() -> None:
    patches.apply()
    assert patches._action_result_validator() is patches._action_result_validator()


def test_the_quick_check_by_event_name_agrees_with_the_whole_schema() -> None:
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, FollowupAction, SlotSet, UserUttered

    validator = patches._action_result_validator()
    # Rasa's schema still tells its event branches apart by name: otherwise every reply would
    # take the slow path again (correct, but the reason for this patch would be gone).
    assert len(validator.by_event) > 10
    made_by_rasa = [
        event.as_dict()
        for event in (
            SlotSet("size", "M"),
            SlotSet("order_ids", ["1", "2"]),
            FollowupAction("action_listen"),
            ActiveLoop("size_form"),
            ActiveLoop(None),
            BotUttered("亲", {"buttons": [{"title": "是", "payload": "/affirm"}]}),
            ActionExecuted("action_answer_size"),
            UserUttered("包邮吗", {"name": "ask_free_shipping", "confidence": 0.9}),
        )
    ]
    results = [
        {"events": made_by_rasa, "responses": [{"text": "亲，包邮哦"}]},
        {"events": [], "responses": []},
        {},
        {"events": [{"event": "no_such_event"}]},
        {"events": [{"event": "slot", "name": 3}]},
        {"events": [{"event": "slot", "name": "size", "timestamp": "yesterday"}]},
        {"events": [{"name": "size"}]},
        {"events": ["slot"]},
        {"events": "slot"},
        {"responses": "not a list"},
        {"events": [{"event": "action", "name": None}]},
        {"events": [{"event": "followup"}]},
        # Where compiled checks and jsonschema are known to part ways: booleans as numbers,
        # whole floats as integers, extra keys, nested entity fields.
        {"events": [{"event": "slot", "name": "size", "timestamp": True}]},
        {"events": [{"event": "slot", "name": "size", "timestamp": 1.5, "extra": {"a": [1]}}]},
        {
            "events": [
                {"event": "user", "text": "包邮吗", "parse_data": {"entities": [{"entity": "size", "value": "M", "start": 1.0}]}}
            ]
        },
        {"events": [{"event": "user", "parse_data": {"entities": [{"entity": "size", "value": "M", "start": "0"}]}}]},
        {"events": [{"event": "user", "parse_data": {"entities": [{"entity": "size"}]}}]},
        {"events": [{"event": "user", "parse_data": {"intent": {"name": "greet", "confidence": "high"}}}]},
        {"events": [{"event": "bot", "text": None, "data": {"buttons": []}, "metadata": None}]},
        {"events": [{"event": "bot", "metadata": []}]},
        {"events": [{"event": "active_loop", "name": None}]},
        {"events": [{"event": "active_loop", "name": 5}]},
        {"events": [], "responses": [{"text": "亲"}, "亲"]},
        {"events": None},
        [],
    ]
    for result in results:
        assert validator._quick(result) <= validator.whole.is_valid(result), result  # quick never lets more through
        try:
            validator.validate(result)
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == validator.whole.is_valid(result), result
    assert validator._quick(results[0]) and validator._quick(results[1])  # the usual reply takes the quick path


def test_event_classes_resolve_as_rasa_resolves_them() -> None:
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    expected = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        expected.setdefault(cls.type_name, cls)
    patches.apply()
    assert Event.resolve_by_type is patches._resolve_by_type
    for name, cls in expected.items():
        assert Event.resolve_by_type(name) is cls
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nope", default=Event) is Event
    with pytest.raises(ValueError):
        Event.resolve_by_type("nope")


def test_an_unreachable_action_server_hands_the_chat_to_a_person(redis_server, store, demo, monkeypatch) -> None:
    import asyncio

    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot.rasa_runtime import action_failures
    from bot.redis_server import free_port

    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("SHOP_ID", "demo")
    monkeypatch.setenv("ACTIONS_IN_PROCESS", "false")  # over HTTP, to an action server that is not there
    patches.actions_in_process.cache_clear()
    action_failures._shop.cache_clear()
    patches.apply()
    nowhere = EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook")  # nothing listens there
    tracker = DialogueStateTracker("buyer_xiaomei", [])
    tracker.update(UserUttered("这件包邮吗", {"name": "ask_free_shipping", "confidence": 0.9}))
    events = asyncio.run(
        RemoteAction("action_free_shipping", nowhere).run(CollectingOutputChannel(), None, tracker, Domain.empty())
    )
    assert len(events) == 2 and isinstance(events[0], BotUttered) and "人工" in events[0].text
    # The session is marked handed off, with why, for the owner's numbers.
    assert isinstance(events[1], SlotSet) and events[1].key == "handoff_reason" and events[1].value == "action_failed"
    handoff = handoffs_of(store).handoff("buyer_xiaomei")
    assert handoff is not None and handoff.reason == "action_failed"
    action_failures._shop.cache_clear()
    patches.actions_in_process.cache_clear()
