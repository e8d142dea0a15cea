"""The unit tier: no Redis, no trained model, seconds in total.

The rules run against tests/unit/memory_store.py (the `store` and `demo` fixtures here replace the
Redis ones of tests/conftest.py). A guard fails any test that opens a network socket (Redis
included) or starts a redis-server, and hides the trained models."""

from __future__ import annotations

import socket
from typing import Any, NoReturn

import pytest

from bot import model_files
from bot.loader import parse, read_file
from bot.models import ShopData
from bot.redis_server import RedisServer
from tests.conftest import DEMO_FILE
from tests.unit.memory_store import MemoryShopStore

_connect = socket.socket.connect


class NetworkInUnitTest(AssertionError):
    """A unit test reached for Redis (or any server): it belongs in tests/integration/."""


def _refuse(self: socket.socket, address: Any) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        raise NetworkInUnitTest(f"a unit test opened a socket to {address}: move it to tests/integration/")
    _connect(self, address)


def _no_redis_server(*_: Any, **__: Any) -> NoReturn:
    raise NetworkInUnitTest("a unit test started a redis-server: move it to tests/integration/")


@pytest.fixture(autouse=True)
def no_redis_and_no_model(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(RedisServer, "start", _no_redis_server)
    monkeypatch.setattr(model_files, "MODELS_DIR", tmp_path_factory.mktemp("no_models"))


@pytest.fixture(scope="session")
def demo_data() -> ShopData:
    return parse(DEMO_FILE, read_file(DEMO_FILE))


@pytest.fixture
def store(demo_data: ShopData) -> MemoryShopStore:
    return MemoryShopStore(demo_data)


@pytest.fixture
def demo(demo_data: ShopData) -> ShopData:
    return demo_data


@pytest.fixture
def redis_server() -> NoReturn:
    raise NetworkInUnitTest("a unit test asked for Redis: move it to tests/integration/")
