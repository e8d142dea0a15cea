"""The pinned fixes to Rasa 3.6.21: still the code they were written for, and correct."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_runtime import patches


def test_each_patch_targets_the_rasa_code_it_was_written_for() -> None:
    # Fails when Rasa is upgraded or its internals change: re-check each fix against the new
    # code, then update the fingerprint (or drop the patch).
    assert patches.rasa_version() == patches.RASA_VERSION
    for patch in patches.PATCHES:
        original = patches.original_of(patch)
        assert original not in (patches._validate_action_result, patches._resolve_by_type)
        assert patches.source_fingerprint(original) == patch.source_sha256, patch.name


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
