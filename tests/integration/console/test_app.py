"""The console's routes against a real Redis, a stand-in Rasa server and a shop callback server
(both local aiohttp servers): login is required, one agent per chat, replies go out."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Dict, List, Optional

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.console.app import Console, create_app
from bot.console.auth import AgentDirectory, LoginThrottle, SessionSigner, hash_password
from bot.console.callback import ShopCallback
from bot.console.rasa_client import RasaClient
from bot.handoff.delivery import DELIVERY_PATH, TOKEN_HEADER, delivery_token
from bot.handoff.queue import HandoffQueue
from bot.models import HandoffReason, ShopData
from bot.store import ShopStore

SECRET = "test-secret"
PASSWORDS = {"alice": "alice-password", "bob": "bob-password"}
HASHES = {name: hash_password(pw) for name, pw in PASSWORDS.items()}
API = {"X-Requested-With": "console"}

TRACKER = {
    "sender_id": "buyer_xiaomei",
    "slots": {"current_product": "T001", "height_cm": 165.0, "weight_kg": 55.0, "size": None, "unclear_count": 0},
    "latest_message": {
        "text": "转人工",
        "intent": {"name": "request_human", "confidence": 0.97},
        "intent_ranking": [
            {"name": "request_human", "confidence": 0.97},
            {"name": "complain_quality", "confidence": 0.02},
        ],
        "metadata": {"item_id": "T001"},
    },
    "events": [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {
            "event": "user",
            "text": "亲 这件包邮吗",
            "timestamp": 2.0,
            "message_id": "m-1",
            "parse_data": {"intent": {"name": "ask_free_shipping", "confidence": 0.9}},
        },
        {"event": "bot", "text": "亲，满99元包邮哦～", "timestamp": 3.0, "metadata": {}},
        {
            "event": "user",
            "text": "转人工",
            "timestamp": 4.0,
            "parse_data": {"intent": {"name": "request_human", "confidence": 0.97}},
        },
        {"event": "bot", "text": "亲，稍等", "timestamp": 5.0, "metadata": {"agent": "alice"}},
    ],
}


@dataclass
class Outside:
    """What reached the stand-in Rasa server and the shop's callback."""

    deliveries: List[Dict[str, Any]] = field(default_factory=list)
    callbacks: List[Dict[str, Any]] = field(default_factory=list)
    rasa_down: bool = False


def fake_rasa(outside: Outside) -> web.Application:
    async def tracker(request: web.Request) -> web.Response:
        if outside.rasa_down:
            return web.Response(status=500)
        return web.json_response({**TRACKER, "sender_id": request.match_info["id"]})

    async def deliver(request: web.Request) -> web.Response:
        if request.headers.get(TOKEN_HEADER) != delivery_token(SECRET):
            return web.json_response({"error": "bad token"}, status=403)
        if outside.rasa_down:
            return web.Response(status=500)
        outside.deliveries.append(await request.json())
        return web.json_response({"delivered": True})

    app = web.Application()
    app.add_routes([web.get("/conversations/{id}/tracker", tracker), web.post(DELIVERY_PATH, deliver)])
    return app


def shop_callback(outside: Outside) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        outside.callbacks.append(await request.json())
        return web.json_response({"ok": True})

    app = web.Application()
    app.add_routes([web.post("/agent-replies", receive)])
    return app


@asynccontextmanager
async def running(store: ShopStore, with_callback: bool = True, **console_options) -> AsyncIterator[tuple]:
    outside = Outside()
    rasa_server = TestServer(fake_rasa(outside))
    callback_server = TestServer(shop_callback(outside))
    await rasa_server.start_server()
    await callback_server.start_server()
    console = Console(
        queue=HandoffQueue(store),
        agents=AgentDirectory(HASHES),
        sessions=SessionSigner(SECRET),
        rasa=RasaClient(str(rasa_server.make_url("")), SECRET),
        callback=ShopCallback(str(callback_server.make_url("/agent-replies")) if with_callback else None),
        rasa_port=5005,
        **console_options,
    )
    server = TestServer(create_app(console))
    await server.start_server()
    clients: List[TestClient] = []

    async def client(agent: Optional[str] = None) -> TestClient:
        new = TestClient(server)
        await new.start_server()
        clients.append(new)
        if agent:
            response = await new.post("/login", data={"name": agent, "password": PASSWORDS[agent]}, allow_redirects=False)
            assert response.status == 302
        return new

    try:
        yield client, outside
    finally:
        for each in clients:
            await each.close()
        await server.close()
        await rasa_server.close()
        await callback_server.close()


def handed_off(store: ShopStore, conversation: str = "buyer_xiaomei") -> None:
    HandoffQueue(store).request(conversation, conversation, HandoffReason.buyer_asked, "转人工")


def test_nothing_but_login_chat_and_static_files_without_a_session(store: ShopStore, demo: ShopData) -> None:
    handed_off(store)

    async def scenario() -> None:
        async with running(store) as (client, _):
            anonymous = await client()
            page = await anonymous.get("/", allow_redirects=False)
            assert page.status == 302 and page.headers["Location"] == "/login"
            for path in ("/api/handoffs", "/api/handoffs/buyer_xiaomei"):
                assert (await anonymous.get(path)).status == 401
            for action in ("claim", "reply", "handback", "close"):
                response = await anonymous.post(f"/api/handoffs/buyer_xiaomei/{action}", json={"text": "x"}, headers=API)
                assert response.status == 401
            forged = await client()
            forged.session.cookie_jar.update_cookies({"console_session": SessionSigner("guessed").issue("alice", 0)})
            assert (await forged.get("/api/handoffs")).status == 401
            assert (await anonymous.get("/login")).status == 200
            assert (await anonymous.get("/healthz")).status == 200
            assert (await anonymous.get("/static/socket.io.min.js")).status == 200
            wrong = await anonymous.post("/login", data={"name": "alice", "password": "bob-password"}, allow_redirects=False)
            assert wrong.status == 401 and "不对" in await wrong.text()

    asyncio.run(scenario())
    assert HandoffQueue(store).get("buyer_xiaomei").claimed_by is None


def test_an_agent_sees_the_queue_and_the_summary_card(store: ShopStore, demo: ShopData) -> None:
    handed_off(store)

    async def scenario() -> None:
        async with running(store) as (client, _):
            alice = await client("alice")
            assert "客服工作台" in await (await alice.get("/")).text()
            listing = await (await alice.get("/api/handoffs")).json()
            assert listing["agent"] == "alice"
            [card] = listing["handoffs"]
            assert (card["buyer_name"], card["reason_label"], card["state"]) == ("小美", "买家要求转人工", "waiting")
            assert card["wait_seconds"] >= 0
            summary = await (await alice.get("/api/handoffs/buyer_xiaomei")).json()
            assert summary["buyer"]["nickname"] == "小美"
            assert summary["item"]["sku"] == "T001"
            # Agents read intents and the current item in Chinese (bot/labels.py), the SKU beside the name.
            assert summary["intents"][0] == {"name": "request_human", "label": "要求转人工", "confidence": 0.97}
            item = f'{summary["item"]["name"]}（T001）'
            assert summary["slots"] == {"current_product": item, "height_cm": 165.0, "weight_kg": 55.0}
            assert {o["id"] for o in summary["orders"]} == {o.id for o in store.orders_of("buyer_xiaomei")}
            speakers = [(line["speaker"], line["text"]) for line in summary["transcript"]]
            assert speakers[0] == ("buyer", "亲 这件包邮吗") and speakers[-1] == ("agent", "亲，稍等")
            # What a trainer's mark of each buyer message needs; a message without an id by its timestamp.
            marks = [
                (line["message_id"], line["timestamp"], line["message_ref"], line["intent"])
                for line in summary["transcript"]
                if line["speaker"] == "buyer"
            ]
            assert marks == [("m-1", 2.0, "m-1", "ask_free_shipping"), (None, 4.0, "ts:4.0", "request_human")]
            assert (await alice.get("/api/handoffs/nobody")).status == 404

    asyncio.run(scenario())


def test_claim_reply_and_hand_back_with_one_agent_per_chat(store: ShopStore, demo: ShopData) -> None:
    handed_off(store)

    async def scenario() -> Outside:
        async with running(store) as (client, outside):
            alice, bob = await client("alice"), await client("bob")
            early = await alice.post("/api/handoffs/buyer_xiaomei/reply", json={"text": "亲"}, headers=API)
            assert early.status == 409 and "认领" in (await early.json())["error"]
            assert (await alice.post("/api/handoffs/buyer_xiaomei/claim", headers=API)).status == 200
            for action in ("claim", "reply", "handback", "close"):
                refused = await bob.post(f"/api/handoffs/buyer_xiaomei/{action}", json={"text": "亲"}, headers=API)
                assert refused.status == 409, action
                assert (await refused.json())["holder"] == "alice"
            assert not outside.deliveries
            no_header = await alice.post("/api/handoffs/buyer_xiaomei/reply", json={"text": "亲"})
            assert no_header.status == 403
            # Every change needs the header, whatever the method (the trainer's DELETE too).
            unmarked = await alice.delete(
                "/api/training/corrections", params={"conversation_id": "buyer_xiaomei", "message_ref": "u-1"}
            )
            assert unmarked.status == 403
            empty = await alice.post("/api/handoffs/buyer_xiaomei/reply", json={"text": "  "}, headers=API)
            assert empty.status == 400
            sent = await alice.post(
                "/api/handoffs/buyer_xiaomei/reply", json={"text": "亲，我是客服，马上帮您处理～"}, headers=API
            )
            assert await sent.json() == {"chat_window": True, "shop_callback": "sent"}
            back = await alice.post("/api/handoffs/buyer_xiaomei/handback", headers=API)
            assert (await back.json())["state"] == "returned"
            assert (await (await alice.get("/api/handoffs")).json())["handoffs"] == []
            again = await alice.post("/api/handoffs/buyer_xiaomei/close", headers=API)
            assert again.status == 409
            return outside

    outside = asyncio.run(scenario())
    assert outside.deliveries == [{"conversation_id": "buyer_xiaomei", "agent": "alice", "text": "亲，我是客服，马上帮您处理～"}]
    [posted] = outside.callbacks
    assert (posted["buyer_id"], posted["agent"], posted["text"]) == ("buyer_xiaomei", "alice", "亲，我是客服，马上帮您处理～")
    kinds = [e.kind.value for e in HandoffQueue(store).history("buyer_xiaomei")]
    assert kinds == ["requested", "claimed", "replied", "handed_back"]
    assert not HandoffQueue(store).with_human("buyer_xiaomei")


def test_without_a_callback_url_nothing_is_posted(store: ShopStore, demo: ShopData) -> None:
    handed_off(store)

    async def scenario() -> Outside:
        async with running(store, with_callback=False) as (client, outside):
            alice = await client("alice")
            await alice.post("/api/handoffs/buyer_xiaomei/claim", headers=API)
            sent = await alice.post("/api/handoffs/buyer_xiaomei/reply", json={"text": "亲～"}, headers=API)
            assert (await sent.json())["shop_callback"] == "not_configured"
            return outside

    outside = asyncio.run(scenario())
    assert len(outside.deliveries) == 1 and outside.callbacks == []


def test_a_reply_the_rasa_server_did_not_take_is_reported_and_not_logged(store: ShopStore, demo: ShopData) -> None:
    handed_off(store)

    async def scenario() -> None:
        async with running(store) as (client, outside):
            alice = await client("alice")
            await alice.post("/api/handoffs/buyer_xiaomei/claim", headers=API)
            outside.rasa_down = True
            failed = await alice.post("/api/handoffs/buyer_xiaomei/reply", json={"text": "亲～"}, headers=API)
            assert failed.status == 502
            summary = await (await alice.get("/api/handoffs/buyer_xiaomei")).json()
            assert summary["tracker_available"] is False and summary["buyer"]["nickname"] == "小美"
            assert outside.callbacks == []

    asyncio.run(scenario())
    assert "replied" not in [e.kind.value for e in HandoffQueue(store).history("buyer_xiaomei")]


@pytest.mark.parametrize("query", ["buyer=buyer_xiaomei&item=T001", "item=T001", ""])
def test_the_buyer_chat_page_shows_the_item(store: ShopStore, demo: ShopData, query: str) -> None:
    async def scenario() -> str:
        async with running(store) as (client, _):
            page = await (await client()).get(f"/chat?{query}")
            assert page.status == 200
            return await page.text()

    html = asyncio.run(scenario())
    tee = store.product("T001")
    assert (tee.name in html) == ("item=T001" in query)
    assert '"socketUrl": "http://127.0.0.1:5005"' in html


def test_the_buyer_chat_page_refuses_odd_buyer_ids(store: ShopStore, demo: ShopData) -> None:
    async def scenario() -> int:
        async with running(store) as (client, _):
            return (await (await client()).get("/chat?buyer=%3Cscript%3E")).status

    assert asyncio.run(scenario()) == 400


def test_password_guessing_is_throttled(store: ShopStore, demo: ShopData) -> None:
    async def scenario() -> None:
        async with running(store) as (client, _):
            guesser = await client()
            for attempt in range(5):
                wrong = await guesser.post("/login", data={"name": "alice", "password": f"guess-{attempt}"})
                assert wrong.status == 401
            # Even the right password is refused now, from this address and for this name.
            right = await guesser.post("/login", data={"name": "alice", "password": PASSWORDS["alice"]}, allow_redirects=False)
            assert right.status == 429 and "15 分钟" in await right.text()
            # Another agent in the same office (same address) still gets in: one guesser cannot
            # lock out everyone behind an office's address.
            colleague = await guesser.post("/login", data={"name": "bob", "password": PASSWORDS["bob"]}, allow_redirects=False)
            assert colleague.status == 302

    asyncio.run(scenario())


def test_logging_out_ends_the_session_for_every_copy_of_the_cookie(store: ShopStore, demo: ShopData) -> None:
    async def scenario() -> None:
        async with running(store) as (client, _):
            alice = await client("alice")
            cookie = alice.session.cookie_jar.filter_cookies(alice.make_url("/"))["console_session"].value
            assert (await alice.get("/api/handoffs")).status == 200
            await alice.post("/logout", allow_redirects=False)
            thief = await client()
            stolen = await thief.get("/api/handoffs", headers={"Cookie": f"console_session={cookie}"})
            assert stolen.status == 401  # the signature is still valid, the session is not

    asyncio.run(scenario())


def test_a_login_posted_from_another_site_is_refused(store: ShopStore, demo: ShopData) -> None:
    async def scenario() -> None:
        async with running(store) as (client, _):
            browser = await client()
            forged = await browser.post(
                "/login",
                data={"name": "alice", "password": PASSWORDS["alice"]},
                headers={"Origin": "http://evil.example"},
                allow_redirects=False,
            )
            assert forged.status == 403 and "console_session" not in forged.cookies
            own = await browser.post(
                "/login",
                data={"name": "alice", "password": PASSWORDS["alice"]},
                headers={"Origin": str(browser.make_url("")).rstrip("/")},
                allow_redirects=False,
            )
            assert own.status == 302

    asyncio.run(scenario())


def test_a_login_clears_earlier_failures() -> None:
    throttle = LoginThrottle(max_failures=2, window_seconds=60)
    keys = ("name-address:bob|10.0.0.1",)
    throttle.failed(keys, now=0)
    throttle.succeeded(keys)
    throttle.failed(keys, now=1)
    assert not throttle.blocked(keys, now=2)
    throttle.failed(keys, now=3)
    assert throttle.blocked(keys, now=4) and not throttle.blocked(keys, now=64)


def test_a_guesser_who_keeps_going_waits_longer_each_time() -> None:
    throttle = LoginThrottle(max_failures=2, window_seconds=60)
    keys = ("name-address:alice|10.0.0.9",)
    throttle.failed(keys, now=0)
    throttle.failed(keys, now=1)  # blocked for 60 s
    assert throttle.wait_seconds(keys, now=1) == 60
    throttle.failed(keys, now=2)  # guessing on: 120 s
    assert throttle.wait_seconds(keys, now=2) == 120
    throttle.failed(keys, now=3)
    assert throttle.wait_seconds(keys, now=3) == 240


def test_on_loopback_the_chat_page_signs_the_buyers_token_without_a_login(store: ShopStore, demo: ShopData) -> None:
    from bot.buyer_tokens import buyer_token

    async def scenario() -> None:
        async with running(store, buyer_token_secret="buyer-secret-0123456789", loopback_only=True) as (client, _):
            page = await (await client()).get("/chat?buyer=buyer_xiaomei&item=T001", allow_redirects=False)
            assert page.status == 200
            assert buyer_token("buyer-secret-0123456789", "buyer_xiaomei") in await page.text()
        async with running(store, buyer_token_secret="buyer-secret-0123456789", loopback_only=False) as (client, _):
            page = await (await client()).get("/chat?buyer=buyer_xiaomei&item=T001", allow_redirects=False)
            assert page.status == 302  # beyond loopback: log in first

    asyncio.run(scenario())


def test_the_owners_csv_exports_write_buyers_formulas_as_text(store: ShopStore, demo: ShopData) -> None:
    import csv
    import io
    from datetime import datetime, timezone

    from bot.clock import fixed_clock
    from bot.services.aftersales import record_quality_complaint
    from tests.integration.services.test_complaints import BUYER_FORMULAS, no_formula_cells

    for n, words in enumerate(BUYER_FORMULAS):
        at = fixed_clock(datetime.now(timezone.utc).replace(microsecond=100 - n))  # the first the newest
        record_quality_complaint(store, "buyer_xiaomei", "buyer_xiaomei", words, store.product("T001"), None, at)

    async def scenario() -> Dict[str, str]:
        async with running(store, owners=AgentDirectory({"alice": HASHES["alice"]})) as (client, _):
            owner = await client("alice")
            exports = {}
            for path in ("/api/complaints.csv", "/api/metrics.csv?by=hour", "/api/metrics.csv?by=day"):
                response = await owner.get(path)
                assert response.status == 200 and response.content_type == "text/csv"
                exports[path] = await response.text()
            return exports

    exports = asyncio.run(scenario())
    for text in exports.values():
        no_formula_cells(list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))))
    assert "HYPERLINK" in exports["/api/complaints.csv"]
