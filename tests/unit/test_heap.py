"""bot.rasa_runtime.heap: what is alive when the server is up is left out of later collections."""

from __future__ import annotations

import gc
from typing import Iterator

import pytest

from bot.rasa_runtime import heap


@pytest.fixture
def thawed() -> Iterator[None]:
    gc.unfreeze()
    heap._frozen = False
    yield
    gc.unfreeze()
    heap._frozen = False


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
