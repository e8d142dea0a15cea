"""Patch 11: Rasa's deep copies of what a debug log line shows, skipped
(bot/rasa_runtime/patches.py).

Rasa builds the arguments of its `structlogger.debug` lines whatever the log level, and several
deep-copy what they show: the dialogue states on every prediction (memoization; py-spy put 21%
of the server's prediction time on the event loop there), the events of every action run, the
slots a turn extracted and the parse's entities (the processor), the buyer's latest message on
every form validation (forms). In these modules the `copy` module serves nothing else, which
`install` checks in their source before it swaps the module's `copy` for one whose `deepcopy`
hands the value itself to the log line: structlog renders a debug line at once, before anything
changes the value, and at INFO it renders nothing at all. A module that uses `copy` for
anything else keeps it (and the refusal is logged).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import logging
from typing import Any, Dict, List, Optional

from bot.rasa_runtime.pinning import Patch, Pin, rasa_attribute

logger = logging.getLogger(__name__)

MODULES = ("rasa.core.policies.memoization", "rasa.core.processor", "rasa.core.actions.forms")


class LogOnlyCopy:
    """Stands in for the `copy` module where Rasa copies values only to log them."""

    @staticmethod
    def deepcopy(value: Any, memo: Optional[dict] = None) -> Any:
        return value


def _is_debug_log_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "debug"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "structlogger"
    )


def uses_of_copy_outside_debug_logs(source: str) -> List[int]:
    """Lines where `copy` is used other than inside the arguments of a `structlogger.debug` call."""
    tree = ast.parse(source)
    parents: Dict[ast.AST, ast.AST] = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "copy":
            ancestor = parents.get(node)
            while ancestor is not None and not _is_debug_log_call(ancestor):
                ancestor = parents.get(ancestor)
            if ancestor is None:
                lines.append(node.lineno)
    return lines


memoization_policy = rasa_attribute(MODULES[0], "MemoizationPolicy")
augmented_memoization_policy = rasa_attribute(MODULES[0], "AugmentedMemoizationPolicy")


def install(owner: Any) -> None:
    for name in MODULES:
        module = importlib.import_module(name)
        outside = uses_of_copy_outside_debug_logs(inspect.getsource(module))
        if outside:
            logger.error("%s uses copy beyond debug log lines (lines %s): its copies are kept", name, outside)
            continue
        module.copy = LogOnlyCopy  # type: ignore[attr-defined]


PATCH = Patch(
    name="debug-log copies skipped",
    target=memoization_policy,
    attribute="predict_action_probabilities",
    source_sha256="19903a81bee56ca9bc2aad8b9116d8b08c365f8761de8de1fe968bb6dcd419d3",
    install=install,
    also_pinned=(
        Pin(
            augmented_memoization_policy,
            "_recall_using_truncation",
            "b8096b0b8f9d02c153cba7c3334214351e8d59b40106b29f162bf96930686034",
        ),
    ),
)
