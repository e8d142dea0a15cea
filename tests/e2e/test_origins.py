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
    preflight = requests.options(url, headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"}, timeout=30)
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


def test_a_page_on_another_origin_cannot_read_a_reply_in_a_real_browser(stack: Stack, browser) -> None:
    """Headless Chromium opens a page served from another port; its script posts to the REST
    webhook as a buyer. The browser refuses to hand it the reply (no CORS permission)."""
    import http.server
    import threading

    from bot.redis_server import free_port

    port = free_port()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = b"<!doctype html><title>elsewhere</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_context().new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        outcome = page.evaluate(
            """async (url) => {
                try {
                    const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
                        body: JSON.stringify({sender: "buyer_xiaomei", message: "我的订单到哪了"})});
                    return "read: " + (await r.text());
                } catch (error) { return "refused: " + error; }
            }""",
            f"{stack.assistant.url}/webhooks/rest/webhook",
        )
        assert outcome.startswith("refused"), outcome
    finally:
        server.shutdown()
