"""bot/console/training.py: the trainer routes in an aiohttp app, against a real Redis."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.console.training import training_routes
from bot.store import ShopStore
from tests.conftest import marks_of

API = {"X-Requested-With": "console"}
EVENT = {
    "event": "user",
    "timestamp": 2.0,
    "text": "这个洗了会缩水吗",
    "message_id": "u-1",
    "parse_data": {"intent": {"name": "ask_product_info", "confidence": 0.61}, "entities": []},
}


def app_with(store: ShopStore) -> web.Application:
    @web.middleware
    async def logged_in(request: web.Request, handler: Any) -> web.StreamResponse:
        request["agent"] = "alice"  # what the console's login middleware sets
        return await handler(request)

    app = web.Application(middlewares=[logged_in])
    app.add_routes(training_routes(lambda request: store))
    return app


def test_mark_list_delete_over_http(store: ShopStore, said) -> None:
    said("buyer_xiaomei", EVENT)

    async def scenario() -> None:
        async with TestClient(TestServer(app_with(store))) as client:
            vocabulary = await (await client.get("/api/training/vocabulary")).json()
            assert "complain_quality" in vocabulary["intents"]

            body = {"conversation_id": "buyer_xiaomei", "event": EVENT, "correct_intent": "complain_quality"}
            created = await client.post("/api/training/corrections", json=body, headers=API)
            assert created.status == 201
            assert (await created.json())["correction"]["corrected_by"] == "alice"
            bad = await client.post("/api/training/corrections", data="{", headers=API)
            assert bad.status == 400

            listed = await (await client.get("/api/training/corrections?pending=1")).json()
            assert [c["text"] for c in listed["corrections"]] == ["这个洗了会缩水吗"]
            deleted = await client.delete(
                "/api/training/corrections",
                params={"conversation_id": "buyer_xiaomei", "message_ref": "u-1"},
                headers=API,
            )
            assert deleted.status == 200
            assert (await client.get("/api/training/nothing")).status == 404

    asyncio.run(scenario())
    assert marks_of(store).all() == []
