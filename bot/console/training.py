"""The console's trainer routes: mark buyer messages with their correct intent (bot.trainer).

One aiohttp route, `/api/training/{tail}` (any method), handed to bot.trainer.console_api.handle,
which documents the paths and bodies. bot.console.app.create_app registers it.

The store is passed as a function so this module does not import bot.console.app (no cycle).
Behind the console's login middleware, `request["agent"]` is the agent who marks (corrected_by),
and every change already carries the console's X-Requested-With header.
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Callable, List

from aiohttp import web

from bot.store import ShopStore
from bot.trainer.console_api import handle

PREFIX = "/api/training"


def _json(body: dict, status: int) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda data: json.dumps(data, ensure_ascii=False))


def training_routes(store_of: Callable[[web.Request], ShopStore]) -> List[web.RouteDef]:
    async def training_api(request: web.Request) -> web.Response:
        body = None
        if request.method in ("POST", "PUT") and request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                return _json({"error": "the body must be JSON"}, 400)
        call = functools.partial(
            handle,
            store_of(request),
            request.method,
            request.match_info["tail"],
            dict(request.query),
            body,
            user=request.get("agent"),
        )
        # Off the event loop: Redis calls, and the first `pending` reads data/nlu with Rasa's parser.
        response = await asyncio.get_running_loop().run_in_executor(None, call)
        return _json(response.body, response.status)

    return [web.route("*", PREFIX + "/{tail:.*}", training_api)]
