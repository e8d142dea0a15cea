"""`python -m bot.action_server --port N`: rasa-sdk's action server for `actions/`, plus
`/healthz`, which reports whether the actions can reach Redis (rasa-sdk's own `/health` only
says the process is up). CORS stays off: only the Rasa server calls it, on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import List, Optional

import redis
from rasa_sdk.endpoint import create_app
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.bootstrap import action_server_services


def build_app() -> Sanic:
    app = create_app("actions", cors_origins=None)

    @app.get("/healthz")
    async def healthz(_request: Request) -> HTTPResponse:
        try:
            await asyncio.to_thread(action_server_services().store.client.ping)
        except (redis.exceptions.RedisError, RuntimeError):
            return response.json({"status": "redis unreachable"}, status=503)
        return response.json({"status": "ok"})

    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    return app


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__)
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    build_app().run(os.environ.get("SANIC_HOST", "127.0.0.1"), args.port, workers=1)


if __name__ == "__main__":
    main()
