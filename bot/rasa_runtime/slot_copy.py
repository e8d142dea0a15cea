"""Patch 8: a tracker's slots copied without the pickle protocol (bot/rasa_runtime/patches.py).

`DialogueStateTracker.__init__` copies every slot of the domain with `copy.copy`, and Rasa builds
trackers all through a turn: loading one, and once per policy per prediction a fresh copy to
replay the history into dialogue states. `copy.copy` of a plain object goes through
`__reduce_ex__(4)`, `copyreg.__newobj__` and `copy._reconstruct`: 35 µs for our 19 slots, about
4% of the Rasa server's Python time (py-spy, 50 buyers). A slot is a plain object whose state is
its `__dict__` (no `__slots__`, no `__getstate__` or `__setstate__`), so a new instance with a
copy of that dict is exactly what `copy.copy` builds, in a fifth of the time. A slot class that
copies itself its own way (now or in a later Rasa) still goes `copy.copy`'s own route;
tests/rasa/test_slot_copy.py checks both against `copy.copy` without this patch.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Iterator, Type

from bot.rasa_runtime.pinning import Patch, rasa_attribute

# What would make `copy.copy` do something other than copy `__dict__` into a new instance.
COPY_HOOKS = ("__copy__", "__getstate__", "__setstate__", "__reduce__", "__reduce_ex__", "__slots__")

_plain: Dict[Type[Any], bool] = {}  # slot class → its state is just its __dict__


def slot_classes() -> Iterator[Type[Any]]:
    """Rasa's `Slot` and every subclass imported so far."""
    from rasa.shared.core.slots import Slot

    pending = [Slot]
    while pending:
        cls = pending.pop()
        yield cls
        pending.extend(cls.__subclasses__())


def is_plain(cls: Type[Any]) -> bool:
    """No class between `cls` and `object` copies itself its own way (ours on Slot aside; ABC's
    empty `__slots__` adds no state)."""
    for base in cls.__mro__[:-1]:
        for hook in COPY_HOOKS:
            if hook not in vars(base):
                continue
            value = vars(base)[hook]
            if (hook == "__slots__" and value) or (hook != "__slots__" and value is not copy_slot):
                return False
    return True


def copy_slot(slot: Any) -> Any:
    """What `copy.copy(slot)` returns, without the pickle protocol where that is the same."""
    cls = type(slot)
    plain = _plain.get(cls)
    if plain is None:
        plain = _plain[cls] = is_plain(cls)
    if not plain:  # copy.copy's own way for an object without __copy__
        return copy._reconstruct(slot, None, *slot.__reduce_ex__(4))  # type: ignore[attr-defined]
    new = object.__new__(cls)
    new.__dict__.update(slot.__dict__)
    return new


tracker_class = rasa_attribute("rasa.shared.core.trackers", "DialogueStateTracker")


def install(owner: Any) -> None:
    """Rasa's `__init__` (pinned below) stays; slots learn to copy themselves."""
    from rasa.shared.core.slots import Slot

    Slot.__copy__ = copy_slot


PATCH = Patch(
    name="slots copied without the pickle protocol",
    target=tracker_class,
    attribute="__init__",
    source_sha256="8f39eb22462aa62b140d9da1f6db986cbc76383d8f7cc4e3dc7664fa7d84cb2d",
    install=install,
)
