"""Whether the encoder can run only where the TF-IDF model alone is unsure (top confidence < τ):
macro-F1, the share answered with a wrong intent and the share of messages embedded, per τ
(1.01: always embedded).

    .venv/bin/python -m experiments.nlu.gating
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from experiments.nlu.harness import MERGES, Data, Embeddings, concat, macro_f1, tfidf


def wrong_share(gold: list, predicted: list, merge: bool) -> float:
    """Answered (not the fallback) with another intent than the label."""
    same = (lambda a, b: MERGES.get(a, a) == MERGES.get(b, b)) if merge else (lambda a, b: a == b)
    return sum(p != "nlu_fallback" and not same(g, p) for g, p in zip(gold, predicted)) / max(len(gold), 1)


def main() -> None:
    data = Data()
    embed = Embeddings()
    sets = {"held-out": (data.heldout, False), "real buyers": (data.real, True)}
    chars = tfidf(data.train, *[[t for t, _ in cases] for cases, _ in sets.values()])
    query = [2 * embed(data.train)] + [2 * embed([t for t, _ in cases]) for cases, _ in sets.values()]
    cheap = LogisticRegression(C=30, max_iter=2000).fit(chars[0], data.labels)
    rich = LogisticRegression(C=30, max_iter=2000).fit(concat(chars[0], query[0]), data.labels)
    print("| τ | held-out | wrong | embedded | real buyers | wrong | embedded |\n|---|---|---|---|---|---|---|")
    for tau in (1.01, 0.95, 0.93, 0.92, 0.91, 0.9, 0.85, 0.8, 0.7, 0.6):
        cells = []
        for k, (cases, merge) in enumerate(sets.values(), start=1):
            p_cheap, p_rich = cheap.predict_proba(chars[k]), rich.predict_proba(concat(chars[k], query[k]))
            sure = p_cheap.max(1) >= tau
            p = np.where(sure[:, None], p_cheap, p_rich)
            predicted = [cheap.classes_[j] if p[n, j] >= 0.35 else "nlu_fallback" for n, j in enumerate(p.argmax(1))]
            gold = [i for _, i in cases]
            cells += [
                f"{macro_f1(gold, predicted, merge):.3f}",
                f"{wrong_share(gold, predicted, merge):.1%}",
                f"{1 - sure.mean():.0%}",
            ]
        print(f"| {tau} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
