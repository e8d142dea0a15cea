"""bot.cached.cached_property: computed once per instance, and two instances never wait on each
other (functools' version on Python 3.10 makes the second wait for the first's getter)."""

from __future__ import annotations

import functools
import threading
from typing import List

import pytest

from bot.cached import cached_property


class Counted:
    calls: List[int] = []

    def __init__(self, number: int) -> None:
        self.number = number

    @cached_property
    def doubled(self) -> int:
        """Twice the number."""
        Counted.calls.append(self.number)
        return self.number * 2


def test_computed_once_per_instance() -> None:
    Counted.calls = []
    one, two = Counted(1), Counted(2)
    assert (one.doubled, one.doubled, two.doubled, two.doubled) == (2, 2, 4, 4)
    assert Counted.calls == [1, 2]
    assert Counted.doubled.__doc__ == "Twice the number."


def test_an_exception_is_not_cached() -> None:
    class Flaky:
        tries = 0

        @cached_property
        def value(self) -> int:
            Flaky.tries += 1
            if Flaky.tries == 1:
                raise RuntimeError("Redis went away")
            return 7

    flaky = Flaky()
    with pytest.raises(RuntimeError):
        flaky.value
    assert flaky.value == 7


def both_getters_inside_at_once(decorator) -> bool:
    """Two instances' getters run in two threads: do both get inside at the same time?"""
    barrier = threading.Barrier(2, timeout=0.5)

    class Slow:
        @decorator
        def value(self) -> bool:
            try:
                barrier.wait()
                return True
            except threading.BrokenBarrierError:
                return False

    results: List[bool] = []
    threads = [threading.Thread(target=lambda: results.append(Slow().value)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results == [True, True]


def test_instances_do_not_wait_for_each_other() -> None:
    assert both_getters_inside_at_once(cached_property)


def test_functools_version_still_serialises_on_this_python() -> None:
    # Why bot.cached exists: when this fails, Python dropped the lock and functools' will do.
    assert not both_getters_inside_at_once(functools.cached_property)
