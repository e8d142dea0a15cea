"""The seam below the rule services: the Redis ShopStore and the unit tests' in-memory store both
offer every method of bot.services.ports' protocols, with the same signatures (mypy checks the
Redis store at each call of a service, too)."""

from __future__ import annotations

import inspect
from typing import Protocol

import pytest

from bot.services.ports import ShopReader, ShopRecorder
from bot.store import ShopStore
from tests.unit.memory_store import MemoryShopStore


def members(protocol: type) -> list:
    own = {name for base in protocol.__mro__ if base not in (Protocol, object) for name in vars(base)}
    return sorted(name for name in own if not name.startswith("_") and callable(getattr(protocol, name)))


@pytest.mark.parametrize("protocol", [ShopReader, ShopRecorder])
@pytest.mark.parametrize("implementation", [ShopStore, MemoryShopStore])
def test_each_store_has_every_method_of_the_protocol(protocol: type, implementation: type) -> None:
    assert members(protocol)
    for name in members(protocol):
        wanted = inspect.signature(getattr(protocol, name), eval_str=True)
        offered = inspect.signature(getattr(implementation, name), eval_str=True)
        assert offered == wanted, f"{implementation.__name__}.{name}{offered} is not {protocol.__name__}.{name}{wanted}"
