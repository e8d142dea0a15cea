"""With BUYER_TOKEN_SECRET set, a socket.io client must prove which buyer it is (bot/buyer_tokens.py).

Its own stack (Redis, action server, Rasa server, console) with the secret set; real socket.io
clients (long-polling: the installed aiohttp is older than what python-engineio's WebSocket client needs).
"""

from __future__ import annotations

import asyncio
from typing import Any, Iterator, List, Optional, Tuple

import pytest
import requests
import socketio

from bot.buyer_tokens import buyer_token
from tests.e2e.conftest import AGENTS, Stack

pytestmark = pytest.mark.e2e

SECRET = "buyer-token-secret-for-tests"
BUYER = "buyer_xiaomei"
QUIET_SECONDS = 4  # long enough for the assistant to have answered a message it accepted


@pytest.fixture(scope="module")
def token_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # The console beyond loopback: its chat page is then for logged-in agents only.
    started = Stack(tmp_path_factory.mktemp("tokens"), BUYER_TOKEN_SECRET=SECRET, CONSOLE_HOST="0.0.0.0")
    try:
        yield started.start_all()
    finally:
        started.stop_all()


class Buyer:
    """A socket.io client that records every event it receives."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.events: "asyncio.Queue[Tuple[str, Any]]" = asyncio.Queue()
        for name in ("session_confirm", "session_refused", "bot_uttered"):
            self.client.on(name, self._recorder(name))

    def _recorder(self, name: str):
        async def record(data: Any = None) -> None:
            await self.events.put((name, data))

        return record

    async def __aenter__(self) -> "Buyer":
        await self.client.connect(self.url, transports=["polling"], socketio_path="socket.io")
        return self

    async def __aexit__(self, *exc: Any) -> None:
        # abort: a graceful long-polling goodbye waits out the poll (about 25 s).
        await self.client.eio.disconnect(abort=True)

    async def ask_session(self, session_id: str, token: Optional[str]) -> str:
        body = {"session_id": session_id, **({"token": token} if token else {})}
        await self.client.emit("session_request", body)
        name, _ = await asyncio.wait_for(self.events.get(), timeout=30)
        return name

    async def say(self, session_id: str, text: str) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id, "metadata": {}})

    async def replies(self, seconds: float) -> List[str]:
        found: List[str] = []
        try:
            while True:
                name, data = await asyncio.wait_for(self.events.get(), timeout=seconds)
                if name == "bot_uttered":
                    found.append(data.get("text", ""))
                    seconds = 2  # the rest of a multi-message answer follows quickly
        except asyncio.TimeoutError:
            return found


def user_texts(stack: Stack, sender: str) -> List[str]:
    events = stack.assistant.tracker(sender).get("events") or []
    return [e.get("text") for e in events if e.get("event") == "user"]


def test_only_a_buyer_with_a_token_gets_a_session(token_stack: Stack) -> None:
    url = f"http://127.0.0.1:{token_stack.rasa_port}"

    async def scenario() -> None:
        async with Buyer(url) as stranger:
            assert await stranger.ask_session(BUYER, None) == "session_refused"
            assert await stranger.ask_session(BUYER, buyer_token("a guess", BUYER)) == "session_refused"
            await stranger.say(BUYER, "我的订单到哪了")
            assert await stranger.replies(QUIET_SECONDS) == []

        async with Buyer(url) as other_buyer:
            # A real token for one buyer does not let the socket speak for another.
            assert await other_buyer.ask_session("buyer_dawei", buyer_token(SECRET, "buyer_dawei")) == "session_confirm"
            await other_buyer.say(BUYER, "我的订单到哪了")
            assert await other_buyer.replies(QUIET_SECONDS) == []

        async with Buyer(url) as buyer:
            assert await buyer.ask_session(BUYER, buyer_token(SECRET, BUYER)) == "session_confirm"
            await buyer.say(BUYER, "亲 在吗")
            replies = await buyer.replies(60)
            assert replies and token_stack.store.shop().name in replies[0]

    asyncio.run(scenario())
    assert user_texts(token_stack, BUYER) == ["亲 在吗"]


def test_beyond_loopback_the_chat_page_is_for_agents_when_buyers_need_a_token(token_stack: Stack) -> None:
    page = f"{token_stack.console_url}/chat?buyer={BUYER}"
    anonymous = requests.get(page, allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302 and anonymous.headers["Location"] == "/login"
    agent = requests.Session()
    name, password = next(iter(AGENTS.items()))
    agent.post(f"{token_stack.console_url}/login", data={"name": name, "password": password}, timeout=10)
    served = agent.get(page, timeout=10)
    assert served.status_code == 200 and buyer_token(SECRET, BUYER) in served.text
