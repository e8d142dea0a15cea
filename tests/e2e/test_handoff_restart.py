"""Restarting every process during a handoff loses no buyer message and no queued handoff.

Its own stack: Redis with append-only persistence in a temporary directory, and a shop callback
server, so the agent's reply after the restarts is seen reaching the shop too.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, List

import pytest

from bot.redis_server import free_port
from tests.conftest import handoffs_of
from tests.e2e.conftest import ConsoleClient, Stack

pytestmark = pytest.mark.e2e


class CallbackServer:
    """The shop's own chat system: records what the console POSTs."""

    def __init__(self) -> None:
        received: List[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                length = int(self.headers.get("Content-Length", 0))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.received = received
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/agent-replies"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def callback() -> Iterator[CallbackServer]:
    server = CallbackServer()
    yield server
    server.stop()


def restart_everything(stack: Stack) -> None:
    stack.stop_all()
    stack.start_all()


def user_texts(stack: Stack, sender: str) -> List[str]:
    return [e["text"] for e in stack.assistant.tracker(sender)["events"] if e["event"] == "user"]


def test_restarting_every_process_during_a_handoff_loses_nothing(tmp_path: Path, callback: CallbackServer) -> None:
    stack = Stack(tmp_path, persistent_redis=True, SHOP_CALLBACK_URL=callback.url)
    sender = "buyer_dawei"
    try:
        stack.start_all()
        assert "人工" in "".join(stack.assistant.say(sender, "转人工"))
        during = ["我的快递三天没动了", "单号发我一下", "在吗"]
        for text in during:
            assert stack.assistant.say(sender, text)  # waiting: the assistant keeps answering
        alice = ConsoleClient(stack.console_url).login("alice")

        restart_everything(stack)

        # The queued handoff and every buyer message are still there.
        handoff = handoffs_of(stack.store).handoff(sender)
        assert handoff is not None and handoff.state.value == "waiting"
        assert [h["conversation_id"] for h in alice.handoffs()] == [sender]  # same session cookie
        assert alice.post(f"/api/handoffs/{sender}/claim").status_code == 200
        assert stack.assistant.say(sender, "还有人吗") == []  # claimed: only recorded
        assert user_texts(stack, sender)[-4:] == [*during, "还有人吗"]

        # A second agent cannot take the chat.
        bob = ConsoleClient(stack.console_url).login("bob")
        assert bob.post(f"/api/handoffs/{sender}/claim").status_code == 409

        restart_everything(stack)

        assert handoffs_of(stack.store).handoff(sender).claimed_by == "alice"
        assert bob.post(f"/api/handoffs/{sender}/reply", {"text": "亲"}).status_code == 409
        sent = alice.post(f"/api/handoffs/{sender}/reply", {"text": "亲，帮您催了快递，今天会有更新～"})
        assert sent.json() == {"chat_window": True, "shop_callback": "sent"}
        assert [(r["buyer_id"], r["agent"], r["text"]) for r in callback.received] == [
            (sender, "alice", "亲，帮您催了快递，今天会有更新～")
        ]
        events = stack.assistant.tracker(sender)["events"]
        assert [e["metadata"].get("agent") for e in events if e["event"] == "bot"][-1] == "alice"
        assert user_texts(stack, sender)[-4:] == [*during, "还有人吗"]

        assert alice.post(f"/api/handoffs/{sender}/handback").status_code == 200
        assert stack.assistant.say(sender, "你好")  # the assistant answers again
        kinds = [e.kind.value for e in handoffs_of(stack.store).events(sender)]
        assert kinds == ["requested", "claimed", "replied", "handed_back"]
    finally:
        stack.stop_all()
    assert any((tmp_path / "redis").rglob("*.aof*"))
