"""The services an action needs; bot/bootstrap.py builds them once per process, tests pass their own."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.models import Shop
from bot.store import ShopStore


@dataclass(frozen=True)
class Services:
    store: ShopStore
    clock: Clock

    def shop(self) -> Shop:
        return self.store.shop()

    def now(self) -> datetime:
        return self.clock()
