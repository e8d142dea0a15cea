"""Scoring replayed turns the way the labelled-sessions README says (pure functions, no I/O)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import Enum
from typing import Dict, Iterable, List, Sequence, Tuple

from bot.behaviours import CLARIFY, HANDOFF
from bot.dialogue_eval.sessions import LabelledTurn


class Verdict(str, Enum):
    appropriate = "appropriate"
    missed = "missed"  # a question back or a person where an answer was expected
    wrong = "wrong"


@dataclass(frozen=True)
class ScoredTurn:
    session_id: str
    index: int  # 1-based buyer turn within the session
    turn: LabelledTurn
    behaviour: str
    replies: Tuple[str, ...]
    understood: str = ""  # the NLU's intent and confidence, for reading the worst turns

    @property
    def verdict(self) -> Verdict:
        if self.behaviour in self.turn.expect:
            return Verdict.appropriate
        if self.behaviour in (CLARIFY, HANDOFF):
            return Verdict.missed
        return Verdict.wrong

    @property
    def harmful(self) -> bool:
        return self.behaviour in self.turn.harmful

    @property
    def family(self) -> str:
        """What the best label asks for: answer, faq, flow, ack, clarify or handoff."""
        return self.turn.expect[0].split(":", 1)[0]


@dataclass(frozen=True)
class Rates:
    turns: int
    appropriate: float
    wrong: float
    missed: float
    harmful: int

    def line(self) -> str:
        return (
            f"appropriate={self.appropriate:.3f} wrong={self.wrong:.3f} harmful={self.harmful} "
            f"missed={self.missed:.3f} turns={self.turns}"
        )


def rates(turns: Sequence[ScoredTurn]) -> Rates:
    total = len(turns)

    def share(verdict: Verdict) -> float:
        return sum(t.verdict is verdict for t in turns) / total if total else 0.0

    return Rates(total, share(Verdict.appropriate), share(Verdict.wrong), share(Verdict.missed), sum(t.harmful for t in turns))


def grouped(turns: Iterable[ScoredTurn], key: str) -> Dict[str, List[ScoredTurn]]:
    groups: Dict[str, List[ScoredTurn]] = defaultdict(list)
    for turn in turns:
        groups[getattr(turn, key)].append(turn)
    return dict(groups)


def worst(turns: Sequence[ScoredTurn], limit: int) -> List[ScoredTurn]:
    """Harmful turns first, then wrong, then missed; in session order within each."""
    bad = [t for t in turns if t.harmful or t.verdict is not Verdict.appropriate]
    rank = {Verdict.wrong: 1, Verdict.missed: 2}
    return sorted(bad, key=lambda t: (0 if t.harmful else rank[t.verdict]))[:limit]


def report(turns: Sequence[ScoredTurn], worst_limit: int = 25) -> List[str]:
    """The printed report; its last line is the overall `appropriate=… turns=N`."""
    lines = ["by the best label's family:"]
    for family, members in sorted(grouped(turns, "family").items(), key=lambda item: -len(item[1])):
        lines.append(f"  {family:<8} {rates(members).line()}")
    context = [t for t in turns if t.turn.context]
    lines.append(f"turns that need the earlier turns: {rates(context).line()}")
    not_faq = [t for t in turns if t.family != "faq"]
    lines.append(f"without the shop-policy (faq:*) turns: {rates(not_faq).line()}")
    by_session = grouped(turns, "session_id")
    clean = sum(all(t.verdict is not Verdict.wrong for t in members) for members in by_session.values())
    lines.append(f"sessions with no wrong or harmful turn: {clean}/{len(by_session)}")
    lines.append("per session (appropriate / wrong / harmful):")
    for session_id, members in by_session.items():
        r = rates(members)
        lines.append(f"  {session_id:<8} {r.appropriate:.2f} / {r.wrong:.2f} / {r.harmful}  ({r.turns} turns)")
    lines.append("worst turns:")
    for t in worst(turns, worst_limit):
        mark = "HARMFUL" if t.harmful else t.verdict.value
        reply = " | ".join(t.replies)[:60]
        lines.append(
            f"  {mark:<8} {t.session_id}#{t.index} {t.turn.buyer[:40]!r} expected {','.join(t.turn.expect)}"
            f" got {t.behaviour} ({t.understood}): {reply}"
        )
    lines.append(rates(turns).line())
    return lines
