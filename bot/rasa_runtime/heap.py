"""The Rasa server's loaded heap kept out of Python's cyclic garbage collector.

Once the model is loaded the server holds millions of objects that live as long as it does
(TensorFlow's, spaCy's, jieba's dictionary, the domain, the graph). Python collects its oldest
generation whenever enough objects have survived since the last full pass, and every full pass
walks all of them with every buyer's turn stopped: under the benchmark's load at 50 buyers, one
such pass took about 260 ms, once every few hundred messages (gc.callbacks, measured in the
server). `gc.freeze()` moves what is alive once the server is up into a permanent generation the
collector never walks. Reference counting still frees those objects as before; only a cycle
among them would stay (a model replaced through the HTTP API is freed by its reference counts).
"""

from __future__ import annotations

import gc
import logging

logger = logging.getLogger(__name__)

_frozen = False


def freeze_loaded_heap() -> int:
    """Collect once, then keep everything alive now out of later collections (once a process).
    Returns how many objects were frozen (0 when already done)."""
    global _frozen
    if _frozen:
        return 0
    gc.collect()
    gc.freeze()
    _frozen = True
    frozen = gc.get_freeze_count()
    logger.info("%d objects of the loaded server left out of garbage collection", frozen)
    return frozen
