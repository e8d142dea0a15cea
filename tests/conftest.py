"""Shared fixtures: a throwaway redis-server on a free port (never the developer's database)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterator
from zoneinfo import ZoneInfo

import pytest
import redis

from bot.clock import fixed_clock
from bot.context import Services
from bot.handoff.records import HandoffRecords
from bot.loader import load_file
from bot.models import ShopData
from bot.outreach.records import OutreachRecords
from bot.redis_server import RedisServer, free_port
from bot.settings import PROJECT_ROOT
from bot.store import ShopStore, connect
from bot.trainer.records import CorrectionRecords

if TYPE_CHECKING:
    from playwright.sync_api import Browser

DEMO_FILE = PROJECT_ROOT / "data" / "shop" / "demo_shop.yml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The moment the demo data describes: afternoon of 2026-11-26, before the 16:00 cut-off.
DEMO_NOW = datetime(2026, 11, 26, 14, 0, tzinfo=SHANGHAI)
# The browser tests drive the system Chromium (`.ci/run` installs Debian's package when missing),
# never `playwright install`.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(free_port(), tmp_path_factory.mktemp("redis"), persistent=False).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:
    """Headless Chromium for one test module (Playwright's sync API; no asyncio loop may run here)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: `apt-get install chromium` (.ci/run does it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def redis_client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = connect(redis_server.url)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def store(redis_client: redis.Redis) -> ShopStore:
    return ShopStore(redis_client, "demo")


@pytest.fixture
def demo(store: ShopStore) -> ShopData:
    return load_file(DEMO_FILE, store)


@pytest.fixture
def services(store: ShopStore, demo: ShopData) -> Services:
    return Services(store, fixed_clock(DEMO_NOW))


# Each feature's records on the same Redis and shop as a store (what the tests read back).
def handoffs_of(store: ShopStore) -> HandoffRecords:
    return HandoffRecords(store.client, store.shop_id)


def outreach_of(store: ShopStore) -> OutreachRecords:
    return OutreachRecords(store.client, store.shop_id)


def marks_of(store: ShopStore) -> CorrectionRecords:
    return CorrectionRecords(store.client, store.shop_id)


def at(text: str) -> datetime:
    """A shop-local time from '2026-11-26 15:59'."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
