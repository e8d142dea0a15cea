"""With ACTIONS_IN_PROCESS=false the Rasa server calls the action server over HTTP. That server
stops mid-chat: the buyer gets the apology and a person (never silence), and once it is back the
assistant answers again."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import handoffs_of
from tests.e2e.conftest import Stack, end_handoff

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def http_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = Stack(Path(tmp_path_factory.mktemp("http-actions")), ACTIONS_IN_PROCESS="false")
    try:
        yield started.start_all()
    finally:
        started.stop_all()


def test_a_dead_action_server_means_an_apology_and_a_handoff(http_stack: Stack, sender: str) -> None:
    stack = http_stack
    assistant = stack.assistant
    assert "包邮" in "".join(assistant.say(sender, "这件包邮吗", item_id="T001"))
    stack.stop("actions")
    try:
        reply = "".join(assistant.say(sender, "有什么颜色", item_id="T001"))
        assert "人工" in reply and "开了个小差" in reply
        handoff = handoffs_of(assistant.store).handoff(sender)
        assert handoff is not None and handoff.state.value == "waiting" and handoff.reason == "action_failed"
    finally:
        stack.start("actions")
    assert "包邮" in "".join(assistant.say(sender, "这件包邮吗", item_id="T001"))  # waiting: still answered
    end_handoff(assistant.store, sender)
