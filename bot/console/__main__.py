"""`python -m bot.console` (`make console`): serve the agent console."""

from __future__ import annotations

import logging
import sys

from aiohttp import web

from bot.console.app import console_from_settings, create_app
from bot.console.auth import AgentConfigError
from bot.console.secret import shared_secret
from bot.settings import Settings


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    try:
        console = console_from_settings(settings, shared_secret(settings))
    except AgentConfigError as error:
        print(f"console not started: {error}", file=sys.stderr)
        return 2
    if not console.agents.hashes:
        print(
            "no agents in CONSOLE_AGENTS: nobody can log in. Create one with\n"
            '  CONSOLE_AGENTS="alice:$(.venv/bin/python -m bot hash-password)" make run',
            file=sys.stderr,
        )
    url = f"http://{settings.console_host}:{settings.console_port}"
    banner = f"agent console on {url}/ (buyer chat page: {url}/chat?buyer=buyer_xiaomei&item=T001)"
    web.run_app(
        create_app(console),
        host=settings.console_host,
        port=settings.console_port,
        print=lambda _: print(banner, flush=True),
        access_log=None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
