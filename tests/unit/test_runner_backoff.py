"""The runner restarts a dead child with growing delays and gives up on one that keeps dying."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot import runner
from bot.runner import Service


def test_a_dead_child_is_restarted_with_backoff_then_given_up_on(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(runner.time, "monotonic", lambda: clock[0])
    command = [sys.executable, "-c", "pass"]  # a child that exits at once
    service = Service("child", command, dict(os.environ), subprocess.Popen(command))
    delays = []
    for _death in range(runner.MAX_RESTARTS):
        service.process.wait()
        service.restart_when_due()
        delay = 0.0 if service.due_at is None else service.due_at - clock[0]
        delays.append(delay)
        clock[0] += delay
        if service.due_at is not None:
            service.restart_when_due()
        assert service.due_at is None  # started again
    assert delays == [0, 1, 3, 7, 15]
    service.process.wait()
    with pytest.raises(RuntimeError, match="died 5 times"):
        service.restart_when_due()
