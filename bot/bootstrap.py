"""The composition root: each process builds its object graph here, from its settings.

settings → Redis client → ShopStore → Services (store and clock). Every builder takes its
dependencies as arguments, so tests pass their own; nothing connects at import time. Callers
that serve for long (the action server, the Rasa server) keep what they built for the process.

Where Redis is depends on the kind of process, and is decided only here:
- the action server needs REDIS_URL (`make run` passes it to every child it starts);
- the Rasa server, the agent console, the metrics consumer and the outreach schedule: REDIS_URL,
  else the embedded server `make run` started (`make console` next to a running `make run`);
- `make run` and the command-line tools: REDIS_URL, else the embedded server, started when it
  is not running (a tool stops the one it started when it is done).
"""

from __future__ import annotations

from contextlib import contextmanager
from enum import Enum
from functools import lru_cache
from typing import Iterator, Optional, Tuple

import redis

from bot.clock import Clock, configured_clock
from bot.context import Services
from bot.redis_server import EmbeddedRedis, ensure_redis
from bot.settings import Settings
from bot.store import ShopStore, connect


class Server(Enum):
    """The long-running processes `make run` starts after its Redis (bot/runner.py)."""

    ACTION_SERVER = "action server"
    RASA_SERVER = "Rasa server"
    CONSOLE = "agent console"
    METRICS_CONSUMER = "metrics consumer"
    OUTREACH_SCHEDULE = "outreach schedule"


def server_redis_url(settings: Settings, server: Server) -> str:
    """Where a server process finds Redis; none of them starts one."""
    if server is Server.ACTION_SERVER:
        # Actions answer buyers from the shop's data: guessing an empty embedded Redis would be worse.
        if not settings.redis_url:
            raise RuntimeError("REDIS_URL is not set; start the assistant with `make run`")
        return settings.redis_url
    return settings.redis_url_or_embedded


def start_redis(settings: Settings) -> Tuple[str, Optional[EmbeddedRedis]]:
    """`make run` and the tools: REDIS_URL, else the embedded server, started if it is not
    running. Returns the URL and, when embedded, the EmbeddedRedis (the caller stops it: that
    stops Redis only when this process started it)."""
    return ensure_redis(settings.redis_url, settings.embedded_redis_port, settings.embedded_redis_dir)


def shop_clock(settings: Settings) -> Clock:
    return configured_clock(settings.fixed_now, settings.timezone)


def shop_store(client: redis.Redis, shop_id: str) -> ShopStore:
    """The one place a ShopStore is built (tests/unit/test_bootstrap.py checks it)."""
    return ShopStore(client, shop_id)


def shop_services(settings: Settings, client: redis.Redis, clock: Optional[Clock] = None) -> Services:
    return Services(shop_store(client, settings.shop_id), clock or shop_clock(settings))


def server_services(settings: Settings, server: Server) -> Services:
    """A server's graph; connects on first use of the store, not here."""
    return shop_services(settings, connect(server_redis_url(settings, server)))


@lru_cache(maxsize=1)
def action_server_services() -> Services:
    """Built on first use, never at import time (rasa-sdk imports the actions before serving)."""
    return server_services(Settings(), Server.ACTION_SERVER)


@contextmanager
def command_redis(settings: Settings) -> Iterator[str]:
    """A command-line tool's Redis URL; the embedded server it had to start is stopped after it."""
    url, embedded = start_redis(settings)
    try:
        yield url
    finally:
        if embedded:
            embedded.stop()  # only if this tool had to start it


@contextmanager
def command_services(settings: Settings) -> Iterator[Services]:
    with command_redis(settings) as url:
        yield shop_services(settings, connect(url))
