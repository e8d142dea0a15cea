"""The default stack runs our actions inside the Rasa server's process (ACTIONS_IN_PROCESS): no
action server listens, and a turn is still answered by its action from the shop's data."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import handoffs_of
from tests.e2e.conftest import Assistant, Stack

pytestmark = pytest.mark.e2e


def test_a_turn_runs_its_action_in_the_rasa_server(stack: Stack, assistant: Assistant, sender: str) -> None:
    assert stack.actions_in_process and "actions" not in stack.processes
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", stack.action_port)) != 0  # nothing on the action port
    reply = "".join(assistant.say(sender, "这件包邮吗", item_id="T001"))
    shop = assistant.store.shop()
    assert "包邮" in reply and f"{shop.policy.free_shipping_threshold:g}" in reply  # the shop's own figure
    events = assistant.tracker(sender)["events"]
    assert any(e["event"] == "action" and e["name"] == "action_free_shipping" for e in events)
    assert handoffs_of(assistant.store).handoff(sender) is None  # answered, not handed off as a failed action
