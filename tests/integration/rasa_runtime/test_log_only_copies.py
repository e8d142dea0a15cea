"""Patch 11: in Rasa's memoization module `copy` is only used for what a debug log line gets,
so skipping the copy changes nothing else. Fails when Rasa uses `copy` there for anything else."""

from __future__ import annotations

import ast
import inspect
from typing import Dict, List

from bot.rasa_runtime import log_only_copies, patches


def _parents(tree: ast.AST) -> Dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _is_debug_log_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "debug"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "structlogger"
    )


def uses_of_copy_outside_debug_logs(source: str) -> List[int]:
    tree = ast.parse(source)
    parents = _parents(tree)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "copy" and not isinstance(parents.get(node), (ast.alias,)):
            ancestor = parents.get(node)
            while ancestor is not None and not _is_debug_log_call(ancestor):
                ancestor = parents.get(ancestor)
            if ancestor is None:
                lines.append(node.lineno)
    return lines


def test_memoization_copies_only_for_debug_log_lines() -> None:
    source = inspect.getsource(log_only_copies.memoization_module())
    assert "import copy" in source
    assert source.count("copy.deepcopy(") == 3  # the three debug lines this patch was written for
    assert uses_of_copy_outside_debug_logs(source) == []


def test_the_check_sees_a_copy_that_is_not_for_a_log_line() -> None:
    source = "import copy\ndef f(states):\n    structlogger.debug('x', s=copy.deepcopy(states))\n    return copy.copy(states)\n"
    assert uses_of_copy_outside_debug_logs(source) == [4]


def test_after_apply_the_module_logs_the_states_themselves() -> None:
    patches.apply()
    module = log_only_copies.memoization_module()
    assert module.copy is log_only_copies.LogOnlyCopy
    states = [{"user": {"intent": "greet"}}]
    assert module.copy.deepcopy(states) is states
