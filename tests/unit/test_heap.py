"""bot.rasa_runtime.heap: what is alive when the server is up is left out of later collections."""

from __future__ import annotations

import gc
import subprocess
import sys
from typing import Iterator

import pytest

from bot.rasa_runtime import heap


@pytest.fixture
def thawed() -> Iterator[None]:
    threshold = gc.get_threshold()
    gc.unfreeze()
    heap._frozen = False
    yield
    gc.unfreeze()
    heap._frozen = False
    gc.set_threshold(*threshold)


def test_freezes_what_is_alive_once(thawed: None) -> None:
    loaded = [{"weights": list(range(3))} for _ in range(1000)]
    frozen = heap.freeze_loaded_heap()
    assert frozen == gc.get_freeze_count() >= len(loaded)
    # Objects made later are collected as usual: a cycle made now goes at the next collection.
    cycle: list = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
    assert heap.freeze_loaded_heap() == 0  # once a process
    assert gc.get_freeze_count() == frozen


def test_freezing_the_loaded_heap_also_raises_the_young_generations_threshold() -> None:
    # A process of its own: the thresholds and the frozen generation are process-wide.
    code = (
        "import gc; from bot.rasa_runtime.heap import freeze_loaded_heap, YOUNG_GENERATION_THRESHOLD as T; "
        "before = gc.get_threshold(); frozen = freeze_loaded_heap(); "
        "print(before[0], gc.get_threshold() == (T, *before[1:]), frozen > 0, freeze_loaded_heap())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["700", "True", "True", "0"]
