"""Pages of other sites cannot use the assistant from a visitor's browser: no wildcard CORS on
the Rasa server, and socket.io refuses an Origin that is not the console's (or configured)."""
from __future__ import annotations

import asyncio

import pytest
import requests
import socketio

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

EVIL = "http://127.0.0.1:9"  # another port on the same host: another origin


def test_a_reply_carries_no_cors_permission_for_another_origin(stack: Stack) -> None:
    url = f"{stack.assistant.url}/webhooks/rest/webhook"
    preflight = requests.options(
        url, headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"}, timeout=30
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    reply = requests.post(url, json={"sender": "buyer_xiaomei", "message": "在吗"}, headers={"Origin": EVIL}, timeout=60)
    assert reply.ok and "Access-Control-Allow-Origin" not in reply.headers


async def connects(url: str, origin: str) -> bool:
    client = socketio.AsyncClient(reconnection=False)
    try:
        await client.connect(url, headers={"Origin": origin}, transports=["polling"], socketio_path="socket.io")
    except socketio.exceptions.ConnectionError:
        return False
    await client.eio.disconnect(abort=True)
    return True


def test_socketio_takes_the_console_page_and_refuses_another_origin(stack: Stack) -> None:
    url = stack.assistant.url
    assert asyncio.run(connects(url, f"http://127.0.0.1:{stack.console_port}")) is True
    assert asyncio.run(connects(url, EVIL)) is False
