"""No buyer left unanswered, over REST with the real servers: a handoff waits with the assistant
still answering, goes silent only once an agent claims it, in each of the shop's modes."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import pytest

from bot.loader import load_file
from bot.models import HandoffMode
from tests.conftest import DEMO_FILE, handoffs_of
from tests.e2e.conftest import Assistant, ConsoleClient, Stack, end_handoff

pytestmark = pytest.mark.e2e

NIGHT_ONLY = "00:00-01:00"  # the stack's shop clock says 14:00: outside these hours


@contextmanager
def shop_policy(stack: Stack, **changes) -> Iterator[None]:
    """The demo shop with some policy fields changed, for one test."""
    store = stack.store
    data = load_file(DEMO_FILE, store)
    policy = data.shop.policy.copy(update=changes)
    store.write_all(data.copy(update={"shop": data.shop.copy(update={"policy": policy})}))
    try:
        yield
    finally:
        store.write_all(data)


@contextmanager
def agent_online(stack: Stack, name: str = "alice") -> Iterator[ConsoleClient]:
    agent = ConsoleClient(stack.console_url).login(name)
    assert agent.post("/api/presence").status_code == 200  # what the open workbench sends
    try:
        yield agent
    finally:
        handoffs_of(stack.store).mark_agent_offline(name)


def text_of(assistant: Assistant, sender: str, message: str) -> str:
    return "".join(assistant.say(sender, message, item_id="T001"))


def test_at_night_a_handoff_waits_and_the_assistant_keeps_answering(stack: Stack, assistant: Assistant, sender: str) -> None:
    with shop_policy(stack, working_hours=NIGHT_ONLY):
        asked = text_of(assistant, sender, "转人工")
        assert "非工作时间" in asked and "继续为您解答" in asked
        assert "包邮" in text_of(assistant, sender, "这件包邮吗")  # the real answer, not silence
        alice = ConsoleClient(stack.console_url).login("alice")
        assert alice.post(f"/api/handoffs/{sender}/claim").status_code == 200
        assert assistant.say(sender, "在吗") == []
        transcript = alice.get(f"/api/handoffs/{sender}").json()["transcript"]
        assert transcript[-1]["text"] == "在吗" and transcript[-1]["speaker"] == "buyer"
        assert alice.post(f"/api/handoffs/{sender}/handback").status_code == 200
        assert "包邮" in text_of(assistant, sender, "这件包邮吗")


@pytest.mark.parametrize("online", [False, True])
def test_assistant_first_in_working_hours(stack: Stack, assistant: Assistant, sender: str, online: bool) -> None:
    with shop_policy(stack, handoff_mode=HandoffMode.assistant_first):
        if online:
            with agent_online(stack):
                asked = text_of(assistant, sender, "转人工")
                assert "马上回复" in asked
                assert "包邮" in text_of(assistant, sender, "这件包邮吗")
        else:
            asked = text_of(assistant, sender, "转人工")
            assert "不在线" in asked
            assert "包邮" in text_of(assistant, sender, "这件包邮吗")
        assert handoffs_of(stack.store).handoff(sender).state.value == "waiting"
    end_handoff(stack.store, sender)


def test_human_first_with_an_agent_online_queues_new_chats_first(stack: Stack, assistant: Assistant, sender: str) -> None:
    with shop_policy(stack, handoff_mode=HandoffMode.human_first, handoff_wait_minutes=10):
        with agent_online(stack) as alice:
            assert "人工客服在线" in text_of(assistant, sender, "这件包邮吗")  # acknowledged, queued
            assert handoffs_of(stack.store).handoff(sender).state.value == "waiting"
            assert assistant.say(sender, "有什么颜色") == []  # the agent answers, within the wait
            assert alice.post(f"/api/handoffs/{sender}/claim").status_code == 200
            assert alice.post(f"/api/handoffs/{sender}/close").status_code == 200
            assert "包邮" in text_of(assistant, sender, "这件包邮吗")  # closed: the assistant again
    end_handoff(stack.store, sender)


def test_human_first_with_nobody_online_is_answered_by_the_assistant(stack: Stack, assistant: Assistant, sender: str) -> None:
    with shop_policy(stack, handoff_mode=HandoffMode.human_first):
        assert "包邮" in text_of(assistant, sender, "这件包邮吗")
        assert handoffs_of(stack.store).handoff(sender) is None


def test_human_first_after_the_wait_the_assistant_answers(stack: Stack, assistant: Assistant, sender: str) -> None:
    with shop_policy(stack, handoff_mode=HandoffMode.human_first, handoff_wait_minutes=0):
        with agent_online(stack):
            text_of(assistant, sender, "亲 在吗")  # queued first
            assert "包邮" in text_of(assistant, sender, "这件包邮吗")  # nobody claimed it in time
    end_handoff(stack.store, sender)


@pytest.mark.parametrize("online", [False, True])
def test_assistant_only_never_queues(stack: Stack, assistant: Assistant, sender: str, online: bool) -> None:
    with shop_policy(stack, handoff_mode=HandoffMode.assistant_only):
        if online:
            with agent_online(stack):
                asked = text_of(assistant, sender, "转人工")
        else:
            asked = text_of(assistant, sender, "转人工")
        assert "记录下来转给店铺" in asked
        assert handoffs_of(stack.store).handoff(sender) is None
        assert "包邮" in text_of(assistant, sender, "这件包邮吗")
        assert any(r.conversation_id == sender for r in stack.store.requests("handoff"))


def test_empty_and_wordless_messages_never_create_a_handoff(assistant: Assistant, sender: str) -> None:
    for message in ("", "   ", "😀", "\x00"):
        assert assistant.say(sender, message), repr(message)  # a polite answer each time
    assert handoffs_of(assistant.store).handoff(sender) is None
    assert "包邮" in text_of(assistant, sender, "这件包邮吗")
