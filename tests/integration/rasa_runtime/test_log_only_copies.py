"""Patch 11: in the modules it covers, Rasa uses `copy` only for what a debug log line gets, so
skipping the copy changes nothing else; a module that uses it otherwise keeps it."""

from __future__ import annotations

import importlib
import inspect
import sys
import types

from bot.rasa_runtime import log_only_copies, patches


def test_the_modules_copy_only_for_debug_log_lines() -> None:
    deep_copies = {}
    for name in log_only_copies.MODULES:
        source = inspect.getsource(importlib.import_module(name))
        assert "import copy" in source
        assert log_only_copies.uses_of_copy_outside_debug_logs(source) == [], name
        deep_copies[name] = source.count("copy.deepcopy(")
    # The debug lines this patch was written for (memoization 3, processor 6, forms 3).
    assert deep_copies == dict(zip(log_only_copies.MODULES, (3, 6, 3)))


def test_the_check_sees_a_copy_that_is_not_for_a_log_line() -> None:
    source = "import copy\ndef f(states):\n    structlogger.debug('x', s=copy.deepcopy(states))\n    return copy.copy(states)\n"
    assert log_only_copies.uses_of_copy_outside_debug_logs(source) == [4]
    assert log_only_copies.uses_of_copy_outside_debug_logs(inspect.getsource(importlib.import_module("rasa.core.actions.action")))


def test_after_apply_the_modules_log_values_themselves() -> None:
    patches.apply()
    for name in log_only_copies.MODULES:
        module = importlib.import_module(name)
        assert module.copy is log_only_copies.LogOnlyCopy, name
    states = [{"user": {"intent": "greet"}}]
    assert log_only_copies.LogOnlyCopy.deepcopy(states) is states


def test_a_module_that_copies_for_real_keeps_copy(monkeypatch) -> None:
    import copy

    real = types.ModuleType("rasa_like")
    real.copy = copy  # type: ignore[attr-defined]
    monkeypatch.setattr(log_only_copies, "MODULES", ("rasa_like",))
    monkeypatch.setitem(sys.modules, "rasa_like", real)
    monkeypatch.setattr(inspect, "getsource", lambda module: "import copy\nvalue = copy.deepcopy([1])\n")
    log_only_copies.install(None)
    assert real.copy is copy
