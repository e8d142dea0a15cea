"""What the mining page shows for a period: the missed messages still unanswered, grouped, beside
how many of them a live knowledge entry now answers and how many wait in a trainer's mark."""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional, Sequence

from bot.behaviours import DATA_INTENT_SURE, DATA_INTENTS, UNSURE_BELOW, UNSURE_INTENTS
from bot.knowledge.matching import KnowledgeIndex, KnowledgeMatch
from bot.knowledge.records import KnowledgeRecords
from bot.metrics.consumer import MetricsConsumer
from bot.metrics.fold import MissedMessage
from bot.mining.groups import MissedGroup, group_missed
from bot.mining.records import missed_messages
from bot.models import KnowledgeEntry, message_ref
from bot.store import ShopStore


def entry_answers(matches: Sequence[KnowledgeMatch], intent: Optional[str], confidence: Optional[float]) -> bool:
    """Whether the assistant would now answer the message from an entry: the gate of
    actions/words_first.py knowledge_first, on the intent and confidence the message had."""
    if not matches:
        return False
    unsure = intent in UNSURE_INTENTS or (confidence or 0.0) < UNSURE_BELOW
    if matches[0].keyword is None and not unsure:
        return False  # a question near a similar one answers only where the classifier was unsure
    sure_of_data = intent in DATA_INTENTS and (confidence or 0.0) >= DATA_INTENT_SURE
    return not sure_of_data or matches[0].entry.overrides_intents


class Mined:
    def __init__(self, store: ShopStore, since: datetime, until: datetime, now: datetime) -> None:
        MetricsConsumer(store).drain()  # what the running consumer has not folded yet
        self.entries: List[KnowledgeEntry] = KnowledgeRecords(store.client, store.shop_id).entries()
        index = KnowledgeIndex(self.entries)
        marked = {(c.conversation_id, c.message_ref) for c in store.corrections()}
        self.answered_now: List[MissedMessage] = []
        self.marked: List[MissedMessage] = []
        self.messages: List[MissedMessage] = []
        for m in missed_messages(store.client, since, until):
            if entry_answers(index.matches(m.text, now), m.intent, m.confidence):
                self.answered_now.append(m)
            elif (m.conversation_id, message_ref(m.message_id, m.timestamp)) in marked:
                self.marked.append(m)
            else:
                self.messages.append(m)
        self.groups: List[MissedGroup] = group_missed(self.messages)
