"""What the mining page shows for a period: the missed messages still unanswered, grouped, beside
how many of them a live knowledge entry now answers and how many wait in a trainer's mark."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import List

from bot.knowledge.decision import knowledge_answers
from bot.knowledge.matching import KnowledgeIndex
from bot.knowledge.records import KnowledgeRecords
from bot.metrics.consumer import MetricsConsumer
from bot.metrics.fold import MissedMessage
from bot.mining.groups import MissedGroup, group_missed
from bot.mining.records import missed_messages
from bot.models import KnowledgeEntry, message_ref
from bot.store import ShopStore
from bot.trainer.records import CorrectionRecords

MAX_WORDINGS = 2000  # distinct wordings grouped on one visit (~40 s of embedding the first time, then cached)


class Mined:
    def __init__(self, store: ShopStore, since: datetime, until: datetime, now: datetime) -> None:
        MetricsConsumer(store).drain()  # what the running consumer has not folded yet
        self.entries: List[KnowledgeEntry] = KnowledgeRecords(store.client, store.shop_id).entries()
        index = KnowledgeIndex(self.entries)
        marked = {(c.conversation_id, c.message_ref) for c in CorrectionRecords(store.client, store.shop_id).all()}
        self.answered_now: List[MissedMessage] = []
        self.marked: List[MissedMessage] = []
        self.messages: List[MissedMessage] = []
        for m in missed_messages(store.client, since, until):
            # The assistant's own rule, on what the classifier read then.
            if knowledge_answers(index.matches(m.text, now), m.intent, m.confidence or 0.0):
                self.answered_now.append(m)
            elif (m.conversation_id, message_ref(m.message_id, m.timestamp)) in marked:
                self.marked.append(m)
            else:
                self.messages.append(m)
        # The encoder takes ~20 ms a new wording: wordings rarer than the MAX_WORDINGS most frequent are counted, not grouped.
        kept = {text for text, _ in Counter(m.text for m in self.messages).most_common(MAX_WORDINGS)}
        self.left_out = [m for m in self.messages if m.text not in kept]
        self.groups: List[MissedGroup] = group_missed([m for m in self.messages if m.text in kept])
