"""Patch 18 (bot/rasa_runtime/log_states.py): the rule policy's debug line shows Rasa's own text
for the dialogue states, after every event of whole conversations, and nothing is formatted
unless the line is written."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import structlog
from rasa.core.policies.policy import Policy
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime import log_states, patches
from bot.settings import PROJECT_ROOT
from tests.integration.rasa_runtime.conversations import CONVERSATIONS

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
RASAS = patches.original_of(log_states.PATCH)


@pytest.fixture(autouse=True)
def applied() -> None:
    assert patches.apply()["rule policy's state log line formatted only when written"] is True


@pytest.mark.parametrize("conversation", CONVERSATIONS)
def test_the_log_line_shows_rasas_text_after_every_event(conversation: Any) -> None:
    tracker = DialogueStateTracker("buyer", DOMAIN.slots)
    for event in conversation():
        tracker.update(event)
        states = tracker.past_states(DOMAIN)
        shown = Policy.format_tracker_states(states)
        assert isinstance(shown, log_states.StatesForLog)
        assert str(shown) == repr(shown) == RASAS(states)
        assert copy.deepcopy(shown) is shown


class Unformattable(list):
    def __iter__(self) -> Any:
        raise AssertionError("formatted although the line was not written")


def test_nothing_is_formatted_until_the_line_is_rendered() -> None:
    states = Unformattable([{"user": {"intent": "greet"}}])
    shown = Policy.format_tracker_states(states)  # would raise if it formatted here
    with structlog.testing.capture_logs() as logs:
        structlog.get_logger().debug("rule_policy.actions.find", current_states=copy.deepcopy(shown))
    assert logs[0]["current_states"] is shown
    with pytest.raises(AssertionError, match="formatted"):
        str(shown)
