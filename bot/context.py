"""The services an action needs, built once per process from settings; tests pass their own."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from bot.clock import Clock, configured_clock
from bot.models import Shop
from bot.settings import Settings
from bot.store import ShopStore, connect


@dataclass(frozen=True)
class Services:
    store: ShopStore
    clock: Clock

    def shop(self) -> Shop:
        return self.store.shop()

    def now(self) -> datetime:
        return self.clock()


@lru_cache(maxsize=1)
def default_services() -> Services:
    """Connects on first use, never at import time (rasa-sdk imports actions before serving)."""
    settings = Settings.from_env()
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set; start the assistant with `make run`")
    clock = configured_clock(settings.fixed_now, settings.timezone)
    return Services(ShopStore(connect(settings.redis_url), settings.shop_id), clock)
