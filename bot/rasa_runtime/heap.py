"""The Rasa server's loaded heap kept out of Python's cyclic garbage collector.

Once the model is loaded the server holds millions of objects that live as long as it does
(TensorFlow's, spaCy's, jieba's dictionary, the domain, the graph). Python collects its oldest
generation whenever enough objects have survived since the last full pass, and every full pass
walks all of them with every buyer's turn stopped: under the benchmark's load at 50 buyers, one
such pass took about 260 ms, once every few hundred messages (gc.callbacks, measured in the
server). `gc.freeze()` moves what is alive once the server is up into a permanent generation the
collector never walks. Reference counting still frees those objects as before; only a cycle
among them would stay (a model replaced through the HTTP API is freed by its reference counts).

The youngest generation is then collected every 10,000 net new containers instead of 700. A
turn builds thousands of short-lived containers (events, states, copies); a young collection
that runs while fifty turns are in flight finds many of them still alive and promotes them, and
promotions are what bring on the next full pass. One server under a 45-s open loop at 45 msg/s
(`experiments.perf.thread_cpu --open-rate 45 --seconds 45`, gc.callbacks, two runs each way):
768 young, 69 middle and 2 full collections, 403-428 ms in all, p99 93 and 108 ms, the event
loop 5.83-6.08 ms a message; with 10,000: 38, 3 and 1, 260 ms, p99 84 and 76 ms, 5.30-5.45 ms.
"""

from __future__ import annotations

import gc
import logging

logger = logging.getLogger(__name__)

_frozen = False
YOUNG_GENERATION_THRESHOLD = 10_000  # Python's default is 700


def freeze_loaded_heap() -> int:
    """Collect once, then keep everything alive now out of later collections (once a process).
    Returns how many objects were frozen (0 when already done)."""
    global _frozen
    if _frozen:
        return 0
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *gc.get_threshold()[1:])
    _frozen = True
    frozen = gc.get_freeze_count()
    logger.info("%d objects of the loaded server left out of garbage collection", frozen)
    return frozen
