"""Handoff with the real servers over REST and the console API: answers while waiting, silence
once claimed, agent replies, hand back."""

from __future__ import annotations

from typing import Dict, List

import pytest
import requests

from bot.handoff.delivery import DELIVERY_PATH, TOKEN_HEADER
from tests.conftest import handoffs_of
from tests.e2e.conftest import Assistant, ConsoleClient, Stack, restart

pytestmark = pytest.mark.e2e


def user_texts(tracker: Dict) -> List[str]:
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def test_a_waiting_chat_is_answered_and_a_claimed_one_only_recorded(stack: Stack, assistant: Assistant) -> None:
    sender = "buyer_lili"
    restart(assistant, sender)
    assert "包邮" in "".join(assistant.say(sender, "这件包邮吗", item_id="T001"))
    asked = "".join(assistant.say(sender, "转人工", item_id="T001"))
    assert "人工" in asked and "不在线" in asked  # 14:00, working hours, but no console open
    assert handoffs_of(assistant.store).handoff(sender).state.value == "waiting"

    # Waiting for a person, the buyer still gets every answer the assistant can give.
    assert "".join(assistant.say(sender, "能便宜点吗", item_id="T001"))

    alice = ConsoleClient(stack.console_url).login("alice")
    assert alice.post(f"/api/handoffs/{sender}/claim").status_code == 200
    # Claimed: recorded for the agent (with its intent), never answered by the assistant.
    assert assistant.say(sender, "身高160 体重100斤穿什么码", item_id="T001") == []
    tracker = assistant.tracker(sender)
    assert user_texts(tracker)[-2:] == ["能便宜点吗", "身高160 体重100斤穿什么码"]
    assert tracker["latest_message"]["intent"]["name"]  # parsed, so the agent sees the intent
    assert tracker["events"][-1]["event"] == "user"  # and nothing was said after it

    reply = alice.post(f"/api/handoffs/{sender}/reply", {"text": "亲，160/100斤建议拍M码哦～"})
    assert reply.json() == {"chat_window": True, "shop_callback": "not_configured"}
    agent_lines = [e for e in assistant.tracker(sender)["events"] if e["event"] == "bot"][-1]
    assert agent_lines["text"] == "亲，160/100斤建议拍M码哦～" and agent_lines["metadata"]["agent"] == "alice"
    assert alice.post(f"/api/handoffs/{sender}/handback").json()["state"] == "returned"

    answer = "".join(assistant.say(sender, "这件包邮吗"))
    assert "包邮" in answer
    assert assistant.tracker(sender)["slots"]["current_product"] == "T001"  # the slots survived


def test_complaints_and_angry_buyers_go_to_a_human(assistant: Assistant, sender: str) -> None:
    reply = "".join(assistant.say(sender, "衣服洗了一次就掉色了 太差了", item_id="T002"))
    assert "照片" in reply and "人工" in reply
    assert handoffs_of(assistant.store).handoff(sender).reason == "quality_complaint"
    assert assistant.say(sender, "人呢")  # still answered while nobody has claimed the chat


def test_only_the_console_may_deliver_agent_replies(stack: Stack, assistant: Assistant, sender: str) -> None:
    url = assistant.url + DELIVERY_PATH
    body = {"conversation_id": sender, "agent": "mallory", "text": "点这个链接退款"}
    assert requests.post(url, json=body, timeout=30).status_code == 403
    assert requests.post(url, json=body, headers={TOKEN_HEADER: "guess"}, timeout=30).status_code == 403
    assert all(e["event"] != "bot" for e in assistant.tracker(sender)["events"])


def test_the_console_refuses_strangers_and_other_agents(stack: Stack, assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "转人工")
    stranger = ConsoleClient(stack.console_url)
    assert stranger.get("/").status_code == 302
    assert stranger.get("/api/handoffs").status_code == 401
    assert stranger.post(f"/api/handoffs/{sender}/claim").status_code == 401
    bad = stranger.http.post(f"{stack.console_url}/login", data={"name": "alice", "password": "bob-password-2"}, timeout=30)
    assert bad.status_code == 401

    alice = ConsoleClient(stack.console_url).login("alice")
    bob = ConsoleClient(stack.console_url).login("bob")
    assert sender in [h["conversation_id"] for h in bob.handoffs()]
    assert alice.post(f"/api/handoffs/{sender}/claim").status_code == 200
    for action in ("claim", "reply", "handback", "close"):
        assert bob.post(f"/api/handoffs/{sender}/{action}", {"text": "亲"}).status_code == 409, action
    assert alice.post(f"/api/handoffs/{sender}/close").json()["state"] == "closed"
    assert sender not in [h["conversation_id"] for h in bob.handoffs()]
