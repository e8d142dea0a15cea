"""Candidate entity matches and the overlap resolution that picks among them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Pattern, Union

Value = Union[str, int, float]


@dataclass(frozen=True)
class Candidate:
    """One possible entity in normalised text.

    ``start``/``end`` cover the value (``175`` in ``身高175``); ``match_start``/``match_end``
    cover everything the rule matched, keywords included, and decide overlaps: ``胸围90cm``
    (a bust rule, 6 chars) beats the ``90cm`` inside it (a height rule, 4 chars).
    """

    entity: str
    value: Value
    start: int
    end: int
    match_start: int
    match_end: int
    priority: int = 0  # breaks ties between equally long matches; higher wins

    @property
    def match_length(self) -> int:
        return self.match_end - self.match_start


def lookahead(body: str) -> Pattern[str]:
    """Compile ``body`` so that ``finditer`` yields matches starting at every position.

    Group 1 is the real match. Overlapping matches matter for Chinese numerals: in
    一米七五一百一十斤 the weight is 一百一十斤, not the first numeral run 七五一百一十斤 that
    a plain finditer would consume; the invalid run is dropped and the valid one survives.
    """
    return re.compile(f"(?=({body}))")


def resolve(candidates: Iterable[Candidate]) -> List[Candidate]:
    """Keep the longest matches that do not overlap (ties: priority, then leftmost)."""
    ordered = sorted(candidates, key=lambda c: (-c.match_length, -c.priority, c.match_start))
    chosen: List[Candidate] = []
    for candidate in ordered:
        if candidate.match_length <= 0:
            continue
        if all(candidate.match_end <= other.match_start or candidate.match_start >= other.match_end for other in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda c: (c.start, c.end))
