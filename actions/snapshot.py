"""What an action run reads of the shop and the chat before it answers, in one Redis round trip
(one MULTI/EXEC, so of one moment): the shop's record, the catalogue and knowledge versions, and
the chat's handoff. Each feature's records module queues its own read (bot/store.py `Read`).

Before, each of these was its own round trip, and a product two or three more (its record and
the catalogue version, as a MULTI/EXEC, each time it was looked up): about 6.5 Redis calls an
action run (cProfile of the action threads, 10 buyers), a third of their time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.context import Services
from bot.handoff.records import HandoffRecords
from bot.models import Handoff, Shop


@dataclass(frozen=True)
class RunSnapshot:
    shop: Shop
    catalogue_version: Optional[str]
    knowledge_version: str
    handoff: Optional[Handoff]  # the chat's, as the run found it


def read_snapshot(services: Services, conversation_id: str) -> RunSnapshot:
    store = services.store
    pipe = store.client.pipeline(transaction=True)
    reads = [
        store.read_shop(pipe),
        store.read_catalogue_version(pipe),
        services.knowledge.records.read_version(pipe),
        HandoffRecords(store.client, store.shop_id).read_handoff(pipe, conversation_id),
    ]
    replies = iter(pipe.execute())
    shop, catalogue_version, knowledge_version, handoff = (read(replies) for read in reads)
    return RunSnapshot(shop, catalogue_version, knowledge_version, handoff)
