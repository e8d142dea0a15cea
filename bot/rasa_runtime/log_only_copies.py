"""Patch 11: memoization's debug-log copies of the dialogue states skipped
(bot/rasa_runtime/patches.py).

`MemoizationPolicy.predict_action_probabilities` deep-copies the whole list of dialogue states
for a `structlogger.debug` line on every prediction, whatever the log level (the argument is
built before structlog decides to drop it): py-spy put 21% of the Rasa server's prediction time
on the event loop in that `copy.deepcopy`. In `rasa.core.policies.memoization` the `copy` module
is used for nothing else (tests/integration/rasa_runtime/test_log_only_copies.py reads the
module's source to check), so the module's `copy` becomes one whose `deepcopy` hands the value
itself to the log line: structlog renders a debug line at once, before anything changes the
states, and at INFO it renders nothing at all.
"""

from __future__ import annotations

from typing import Any, Optional

from bot.rasa_runtime.pinning import Patch, Pin


class LogOnlyCopy:
    """Stands in for the `copy` module where Rasa copies values only to log them."""

    @staticmethod
    def deepcopy(value: Any, memo: Optional[dict] = None) -> Any:
        return value


def memoization_module() -> Any:
    import rasa.core.policies.memoization as memoization

    return memoization


def memoization_policy() -> Any:
    return memoization_module().MemoizationPolicy


def augmented_memoization_policy() -> Any:
    return memoization_module().AugmentedMemoizationPolicy


def install(owner: Any) -> None:
    memoization_module().copy = LogOnlyCopy


PATCH = Patch(
    name="memoization's debug-log copies skipped",
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
