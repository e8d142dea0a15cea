"""`cached_property` without functools' lock.

On Python 3.10, `functools.cached_property` holds one lock per property for *all* instances
while the getter runs. An action's `shop`, `handoff` and `product` read Redis in their getter,
so the Rasa server's action threads (bot/rasa_runtime/in_process_actions.py) queued behind each
other's Redis round trips (py-spy: 6% of the server's busy samples waiting in that lock). Each
action instance belongs to one thread, so no lock is needed; Python 3.12 dropped it too.
"""

from __future__ import annotations

from typing import Any, Callable, Generic, Optional, TypeVar, overload

T = TypeVar("T")


class cached_property(Generic[T]):  # noqa: N801 - named as the functools one it replaces
    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.attrname = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.attrname = name

    @overload
    def __get__(self, instance: None, owner: Optional[type] = None) -> "cached_property[T]": ...

    @overload
    def __get__(self, instance: object, owner: Optional[type] = None) -> T: ...

    def __get__(self, instance: Optional[object], owner: Optional[type] = None) -> Any:
        if instance is None:
            return self
        # A non-data descriptor: once the value is in the instance's __dict__, Python finds it
        # there and never calls this again.
        value = self.func(instance)
        instance.__dict__[self.attrname] = value
        return value
