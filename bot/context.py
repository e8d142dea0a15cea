"""The services an action needs; bot/bootstrap.py builds them once per process, tests pass their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from bot.clock import Clock
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.records import KnowledgeRecords
from bot.models import Shop
from bot.store import ShopStore


@dataclass(frozen=True)
class Services:
    store: ShopStore
    clock: Clock
    # The shop's knowledge entries, on the store's Redis unless a test passes its own.
    knowledge_base: Optional[KnowledgeBase] = field(default=None, compare=False)

    @property
    def knowledge(self) -> KnowledgeBase:
        if self.knowledge_base is None:
            object.__setattr__(self, "knowledge_base", KnowledgeBase(KnowledgeRecords(self.store.client, self.store.shop_id)))
        assert self.knowledge_base is not None
        return self.knowledge_base

    def shop(self) -> Shop:
        return self.store.shop()

    def now(self) -> datetime:
        return self.clock()
