"""What each answer earns (the dashboard's per-entry and per-intent table): folded counters of
the period, per answer source, named as the owner knows them (the entry's standard question, the
intent's Chinese label), never by key."""

from __future__ import annotations

from collections import Counter
from typing import Dict, List, Optional, Sequence

from bot.labels import intent_label
from bot.models import KnowledgeEntry, Model

COUNTERS = ("answered", "precise", "unsure_after", "rated", "satisfied")
DELETED_ENTRY = "（已删除的知识库条目）"


class AnswerStats(Model):
    kind: str  # 知识库 / 意图
    name: str  # the entry's standard question, or the intent's Chinese label
    answered: int
    precise_rate: Optional[float]  # answered directly, not after 猜你想问
    unsure_after_rate: Optional[float]  # followed by asking back or a person within two turns
    csat: Optional[float]  # satisfied share of the follow-up ratings of the chats it answered in
    csat_responses: int


def _rate(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def answer_stats(totals: Counter, entries: Sequence[KnowledgeEntry]) -> List[AnswerStats]:
    """One row per source answered in the period, most answered first."""
    questions: Dict[str, str] = {entry.key: entry.question for entry in entries}
    by_source: Dict[str, Counter] = {}
    for name, n in totals.items():
        counter, _, source = name.partition(":")
        if counter in COUNTERS and source:
            by_source.setdefault(source, Counter())[counter] += n
    rows = []
    for source, c in by_source.items():
        if not c["answered"]:
            continue
        kind, _, key = source.partition(":")
        label = questions.get(key, DELETED_ENTRY) if kind == "knowledge" else intent_label(key)
        rows.append(
            AnswerStats(
                kind="知识库" if kind == "knowledge" else "意图",
                name=label,
                answered=c["answered"],
                precise_rate=_rate(c["precise"], c["answered"]),
                unsure_after_rate=_rate(c["unsure_after"], c["answered"]),
                csat=_rate(c["satisfied"], c["rated"]),
                csat_responses=c["rated"],
            )
        )
    return sorted(rows, key=lambda r: (-r.answered, r.kind, r.name))
