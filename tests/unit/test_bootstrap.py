"""The composition root (bot/bootstrap.py): the only place a ShopStore is built, and the one
rule for where each server finds Redis."""

from __future__ import annotations

import re

import pytest

from bot.bootstrap import Server, server_redis_url
from bot.settings import PROJECT_ROOT, Settings

CONSTRUCTION = re.compile(r"\bShopStore\(")


def test_a_shop_store_is_built_only_in_the_composition_root() -> None:
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in sorted((PROJECT_ROOT / "bot").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if CONSTRUCTION.search(line) and not line.lstrip().startswith("class ")
    ]
    assert [place.split(":")[0] for place in found] == ["bot/bootstrap.py"], found


def test_the_action_server_needs_redis_url_and_the_other_servers_fall_back_to_the_embedded_one(tmp_path) -> None:
    embedded = Settings(redis_url=None, embedded_redis_port=6391, embedded_redis_dir=tmp_path)
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        server_redis_url(embedded, Server.ACTION_SERVER)
    for server in Server:
        if server is not Server.ACTION_SERVER:
            assert server_redis_url(embedded, server) == "redis://127.0.0.1:6391/0"
    given = Settings(redis_url="redis://example:6379/2")
    assert {server_redis_url(given, server) for server in Server} == {"redis://example:6379/2"}
