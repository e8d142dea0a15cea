"""Redis stops mid-chat: the buyer is told to send again (503 + Retry-After), nothing is stored
half-way, the console reports it, and once Redis is back the next message is answered."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def test_while_redis_is_down_a_message_is_refused_clearly_and_nothing_half_stored(tmp_path: Path) -> None:
    # Over HTTP, so the action server's own /healthz is checked too.
    stack = Stack(tmp_path, persistent_redis=True, ACTIONS_IN_PROCESS="false")
    sender = "buyer_ahua"
    webhook = f"{stack.assistant.url}/webhooks/rest/webhook"
    try:
        stack.start_all()
        assert stack.assistant.say(sender, "这件包邮吗", item_id="T001")
        before = [e for e in stack.assistant.tracker(sender)["events"] if e["event"] == "user"]

        stack.redis.stop()
        refused = requests.post(webhook, json={"sender": sender, "message": "有什么颜色"}, timeout=60)
        assert refused.status_code == 503
        assert refused.headers.get("Retry-After") == "5"
        assert "send the message again" in refused.json()["error"]
        health = requests.get(f"{stack.console_url}/healthz", timeout=30)
        assert health.status_code == 503 and health.json()["status"] == "redis unreachable"
        channel = requests.get(f"{stack.assistant.url}/webhooks/rest/", timeout=30)
        assert channel.status_code == 503 and channel.json()["status"] == "redis unreachable"
        actions = requests.get(f"http://127.0.0.1:{stack.action_port}/healthz", timeout=30)
        assert actions.status_code == 503 and actions.json()["status"] == "redis unreachable"

        stack.redis.start()
        assert requests.get(f"{stack.console_url}/healthz", timeout=30).status_code == 200
        assert requests.get(f"{stack.assistant.url}/webhooks/rest/", timeout=30).status_code == 200
        assert requests.get(f"http://127.0.0.1:{stack.action_port}/healthz", timeout=30).status_code == 200
        again = requests.post(
            webhook, json={"sender": sender, "message": "有什么颜色", "metadata": {"item_id": "T001"}}, timeout=60
        )
        assert again.status_code == 200 and again.json()
        after = [e["text"] for e in stack.assistant.tracker(sender)["events"] if e["event"] == "user"]
        assert after == [e["text"] for e in before] + ["有什么颜色"]  # the refused one not stored, the retry once
    finally:
        stack.stop_all()
