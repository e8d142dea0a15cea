"""What a pinned patch to Rasa 3.6.21 is (bot/rasa_runtime/patches.py applies them), and what
a patch keeps on Rasa's objects."""

from __future__ import annotations

import hashlib
import importlib
import inspect
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Tuple


def rasa_attribute(module: str, name: str) -> Callable[[], Any]:
    """A getter of `module.name`, imported on first call (patch modules load before Rasa does)
    and kept: patches call these on every prediction and copy, and `import_module` was 5% of the
    event loop (cProfile)."""

    @lru_cache(maxsize=1)
    def attribute() -> Any:
        return getattr(importlib.import_module(module), name)

    return attribute


def source_fingerprint(function: Any) -> str:
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Pin:
    """Rasa code a patch relies on without replacing it."""

    target: Callable[[], Any]  # returns the owner (class or module) of the attribute
    attribute: str
    source_sha256: str  # of inspect.getsource(the attribute)

    def holds(self) -> bool:
        return source_fingerprint(getattr(self.target(), self.attribute)) == self.source_sha256


@dataclass(frozen=True)
class Patch:
    name: str
    target: Callable[[], Any]  # returns the owner (class or module) of the replaced attribute
    attribute: str
    source_sha256: str  # of inspect.getsource(original), the code this patch replaces
    install: Callable[[Any], None]
    also_pinned: Tuple[Pin, ...] = ()


def _nothing() -> None:
    return None


class KeptOnRasaObject:
    """What a patch keeps in a Rasa object's `__dict__` (patches 9 and 10, on trackers): a deep
    copy or a pickle of the object starts without it, and never copies what it refers to."""

    def __reduce__(self) -> Any:
        return (_nothing, ())
