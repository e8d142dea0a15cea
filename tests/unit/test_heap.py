"""The Rasa server's heap, once loaded, is frozen out of the garbage collector, and young
collections come less often (bot/rasa_runtime/heap.py)."""

from __future__ import annotations

import subprocess
import sys


def test_freezing_the_loaded_heap_also_raises_the_young_generations_threshold() -> None:
    # A process of its own: the thresholds and the frozen generation are process-wide.
    code = (
        "import gc; from bot.rasa_runtime.heap import freeze_loaded_heap, YOUNG_GENERATION_THRESHOLD as T; "
        "before = gc.get_threshold(); frozen = freeze_loaded_heap(); "
        "print(before[0], gc.get_threshold() == (T, *before[1:]), frozen > 0, freeze_loaded_heap())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["700", "True", "True", "0"]
