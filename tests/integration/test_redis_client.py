"""The Redis clients parse replies and pack commands in C (hiredis, pinned in requirements.lock).

Without it redis-py does both in Python: at 50 buyers py-spy put 22% of the Rasa server's
GIL-holding samples inside the Redis client, and installing hiredis took the server's CPU from
10.45 to 9.55 ms a message (`python -m experiments.perf.thread_cpu --buyers 50 --chats 100`).
redis-py picks it up silently when it is importable, and as silently does without it: this fails
if it goes missing."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
from redis.utils import HIREDIS_AVAILABLE, HIREDIS_PACK_AVAILABLE

from bot.redis_server import RedisServer
from bot.store import connect


def test_hiredis_is_installed_for_redis_py() -> None:
    assert HIREDIS_AVAILABLE and HIREDIS_PACK_AVAILABLE


def test_the_shop_clients_parse_with_hiredis_and_read_chinese_back(redis_server: RedisServer) -> None:
    client = connect(redis_server.url)
    connection = client.connection_pool.get_connection("PING")
    try:
        connection.connect()
        assert type(connection._parser).__name__ == "HiredisParser"
    finally:
        client.connection_pool.release(connection)
    client.set("hiredis-check", "亲，包邮吗😊")
    assert client.get("hiredis-check") == "亲，包邮吗😊"
    assert client.eval("return {1, '二', {3}}", 0) == [1, "二", [3]]
    client.delete("hiredis-check")
    client.close()


def test_the_lock_stores_async_client_parses_with_hiredis(redis_server: RedisServer) -> None:
    async def check() -> str:
        client = aioredis.Redis.from_url(redis_server.url)
        connection = await client.connection_pool.get_connection("PING")
        try:
            await connection.connect()
            return type(connection._parser).__name__
        finally:
            await client.connection_pool.release(connection)
            await client.close()

    assert asyncio.run(check()) == "HiredisParser"
