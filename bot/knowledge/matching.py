"""Which knowledge entry a buyer's message asks, if any: keywords first (exact, the owner's own
words), then character TF-IDF similarity to the entry's questions; negative examples veto.

The index is built from the entries alone (no training), in milliseconds for a shop's few hundred
questions, so every process rebuilds it as soon as the entries' version moves on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Optional, Sequence

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.models import KnowledgeEntry
from bot.nlu.normalize import normalize
from bot.nlu.tfidf import TfidfRows

# Cosine similarity to one of an entry's questions at which it answers a message without a
# keyword: a near-copy of a question the owner wrote. experiments/knowledge/threshold_cv.py, on
# our own paraphrases (each similar question left out in turn) and our 4,192 NLU training
# messages of other intents: no threshold separates them (0.5: 8 of 100 paraphrases find their
# entry, 10.7% of other messages match; 0.7: 0 and 2.5%), nor did e5 embeddings (0.92: 25 of 66,
# 12% of others). So keywords carry the matching and similarity only catches near-copies.
SIMILARITY_THRESHOLD = 0.7
# A message this close to a negative example never gets that entry.
NEGATIVE_THRESHOLD = 0.8
# Two entries whose scores are this close: ask which one was meant.
AMBIGUITY_MARGIN = 0.05
KEYWORD_SCORE = 1.0


@dataclass(frozen=True)
class KnowledgeMatch:
    entry: KnowledgeEntry
    score: float  # KEYWORD_SCORE plus 0.1 a character of the longest keyword, or a cosine
    keyword: Optional[str] = None
    position: int = 0  # where the keyword stands in the message: the first-named topic leads


def _clean(text: str) -> str:
    return normalize(text or "", max_chars=300)


class Similarities:
    """Dot products of one sparse row with every row of a fitted matrix (cosines, the rows being
    L2-normalised), read column by column: a message touches a few dozen n-grams. scipy's
    product built and checked three sparse matrices a call, most of an answer's CPU in the
    actions (cProfile); equal to it within float rounding (tests/unit/knowledge/test_matching.py)."""

    def __init__(self, matrix: scipy.sparse.spmatrix) -> None:
        by_column = scipy.sparse.csc_matrix(matrix)
        self._starts, self._rows, self._values = by_column.indptr, by_column.indices, by_column.data
        self._size = matrix.shape[0]

    def of(self, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        starts, ends = self._starts[columns], self._starts[columns + 1]
        lengths = ends - starts
        # The positions of every stored value of those columns, one column after another.
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        contributions = self._values[positions] * np.repeat(values, lengths)
        return np.bincount(self._rows[positions], weights=contributions, minlength=self._size)


class KnowledgeIndex:
    def __init__(self, entries: Sequence[KnowledgeEntry]) -> None:
        self.entries = list(entries)
        questions, owners, negatives, negative_owners = [], [], [], []
        for position, entry in enumerate(self.entries):
            for question in (entry.question, *entry.similar):
                questions.append(_clean(question))
                owners.append(position)
            for negative in entry.negative:
                negatives.append(_clean(negative))
                negative_owners.append(position)
        self._owners = owners
        self._negative_owners = negative_owners
        self._keywords = [[_clean(k) for k in entry.keywords if _clean(k)] for entry in self.entries]
        self._follow_ups = [[_clean(k) for k in entry.follow_up_keywords if _clean(k)] for entry in self.entries]
        self._rows: Optional[TfidfRows] = None
        if questions:
            vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
            self._questions = Similarities(vectorizer.fit_transform(questions))
            self._negatives = Similarities(vectorizer.transform(negatives)) if negatives else None
            self._rows = TfidfRows(vectorizer)

    def matches(self, text: str, now: datetime) -> List[KnowledgeMatch]:
        """Live entries the message may ask, best first (one match per entry)."""
        clean = _clean(text)
        if not clean or self._rows is None:
            return []
        columns, values = self._rows.weights(clean)
        vetoed = set()
        if self._negatives is not None:
            for owner, similarity in zip(self._negative_owners, self._negatives.of(columns, values)):
                if similarity >= NEGATIVE_THRESHOLD:
                    vetoed.add(owner)
        best: Dict[int, KnowledgeMatch] = {}
        for owner, similarity in zip(self._owners, self._questions.of(columns, values)):
            if similarity >= SIMILARITY_THRESHOLD and similarity > getattr(best.get(owner), "score", 0):
                best[owner] = KnowledgeMatch(self.entries[owner], float(similarity))
        for owner, keywords in enumerate(self._keywords):
            hits = [k for k in keywords if k in clean]
            if hits:
                longest = max(hits, key=len)
                best[owner] = KnowledgeMatch(
                    self.entries[owner], KEYWORD_SCORE + len(longest) / 10, longest, clean.index(longest)
                )
        found = [m for owner, m in best.items() if owner not in vetoed and m.entry.live(now)]
        return sorted(found, key=lambda m: (-m.score, m.position))

    def follow_up(self, text: str, topic: str, now: datetime) -> Optional[KnowledgeMatch]:
        """The live entry of `topic` one of whose follow-up words the message uses (the longest
        word wins), for a message right after that topic was answered."""
        clean = _clean(text)
        hits = [
            (len(word), KnowledgeMatch(self.entries[owner], KEYWORD_SCORE + len(word) / 10, word, clean.index(word)))
            for owner, words in enumerate(self._follow_ups)
            if self.entries[owner].group == topic and self.entries[owner].live(now)
            for word in words
            if word in clean
        ]
        return max(hits, key=lambda hit: hit[0])[1] if hits else None


def ambiguous(matches: Sequence[KnowledgeMatch]) -> bool:
    """The two best are different answers and too close to tell apart."""
    return (
        len(matches) >= 2
        and matches[0].entry.group != matches[1].entry.group
        and matches[0].score - matches[1].score < AMBIGUITY_MARGIN
    )


def by_keyword_per_topic(matches: Sequence[KnowledgeMatch]) -> List[KnowledgeEntry]:
    """The best keyword-matched entry of each topic, best first: one per question the buyer's
    own words name."""
    entries: List[KnowledgeEntry] = []
    for match in matches:
        if match.keyword is not None and all(e.group != match.entry.group for e in entries):
            entries.append(match.entry)
    return entries
