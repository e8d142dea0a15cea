"""The lock store: one conversation's turns one at a time, in ticket order, across replicas."""

from __future__ import annotations

import asyncio
from typing import List

import pytest

from bot.rasa_runtime import lock_store as lock_module
from bot.rasa_runtime.lock_store import ShopLockStore
from bot.redis_server import RedisServer


def replicas(server: RedisServer, n: int) -> List[ShopLockStore]:
    """Each its own client and connection pool, as separate Rasa servers would have."""
    return [ShopLockStore.from_url(server.url) for _ in range(n)]


def test_turns_of_one_buyer_never_overlap_across_two_replicas(redis_server, redis_client) -> None:
    async def scenario() -> None:
        stores = replicas(redis_server, 2)
        inside: List[int] = []
        served: List[int] = []

        async def turn(n: int) -> None:
            async with stores[n % 2].lock("buyer_burst"):
                inside.append(n)
                assert len(inside) == 1, f"turns {inside} ran at once"
                await asyncio.sleep(0.01)
                served.append(n)
                inside.remove(n)

        for _burst in range(5):
            await asyncio.gather(*(turn(n) for n in range(12)))
        assert sorted(served) == sorted(list(range(12)) * 5)  # every turn once
        for store in stores:
            await store.close()

    asyncio.run(scenario())
    assert redis_client.keys("lock:buyer_burst:*") == []  # a free lock leaves nothing behind


def test_a_waiter_goes_when_the_lock_is_released_not_on_a_poll(redis_server, monkeypatch) -> None:
    # With the recheck far longer than the test allows, only the release's wake-up can let the
    # second turn in before the timeout.
    monkeypatch.setattr(lock_module, "RECHECK_SECONDS", 30)

    async def scenario() -> None:
        first, second = replicas(redis_server, 2)
        order: List[str] = []

        async def one() -> None:
            async with first.lock("buyer_w"):
                await asyncio.sleep(0.05)
                order.append("one")

        async def two() -> None:
            await asyncio.sleep(0.01)
            async with second.lock("buyer_w"):
                order.append("two")

        await asyncio.wait_for(asyncio.gather(one(), two()), timeout=5)
        assert order == ["one", "two"]
        await first.close()
        await second.close()

    asyncio.run(scenario())


def test_a_holder_that_died_is_taken_over_after_its_lifetime(redis_server) -> None:
    async def scenario() -> None:
        dead, alive = replicas(redis_server, 2)
        # A replica that took the lock and was killed: its ticket is never released.
        ticket, served = await dead._issue(keys=["lock:buyer_k:next", "lock:buyer_k:serving", "lock:buyer_k:holder"], args=[300])
        assert served == 1
        async with alive.lock("buyer_k", lock_lifetime=5):
            pass  # reached once the dead holder's 0.3 s lifetime ran out
        await dead.close()
        await alive.close()

    asyncio.run(asyncio.wait_for(scenario(), timeout=10))


def test_a_waiter_that_gives_up_is_skipped(redis_server, redis_client) -> None:
    async def scenario() -> None:
        (store,) = replicas(redis_server, 1)
        got: List[str] = []
        release_first = asyncio.Event()

        async def holder() -> None:
            async with store.lock("buyer_c"):
                await release_first.wait()

        async def quitter() -> None:
            async with store.lock("buyer_c"):
                got.append("quitter")

        async def patient() -> None:
            async with store.lock("buyer_c"):
                got.append("patient")

        first = asyncio.create_task(holder())
        await asyncio.sleep(0.05)
        gone = asyncio.create_task(quitter())
        await asyncio.sleep(0.05)
        last = asyncio.create_task(patient())
        await asyncio.sleep(0.05)
        gone.cancel()  # the buyer's request was dropped while it waited
        await asyncio.sleep(0.05)
        release_first.set()
        await asyncio.wait_for(asyncio.gather(first, last), timeout=5)
        with pytest.raises(asyncio.CancelledError):
            await gone
        assert got == ["patient"]
        await store.close()

    asyncio.run(scenario())
    assert redis_client.keys("lock:buyer_c:*") == []


def test_rasa_takes_the_lock_the_way_this_store_provides_it() -> None:
    # Pinned to Rasa 3.6.21: the agent serialises a conversation with `lock_store.lock(id)`, and
    # the base class's lock() has the signature this store overrides.
    import inspect

    from rasa.core.agent import Agent
    from rasa.core.lock_store import LockStore
    from rasa.version import __version__

    assert __version__ == "3.6.21"
    assert "self.lock_store.lock(message.sender_id)" in inspect.getsource(Agent.handle_message)
    assert list(inspect.signature(LockStore.lock).parameters) == list(inspect.signature(ShopLockStore.lock).parameters)


def test_numbered_messages_go_in_their_senders_order_across_replicas(redis_server) -> None:
    async def scenario() -> None:
        stores = replicas(redis_server, 2)
        served: List[int] = []

        async def turn(seq: int, delay: float) -> None:
            await asyncio.sleep(delay)
            store = stores[seq % 2]
            async with store.in_sequence("buyer_seq", seq), store.lock("buyer_seq"):
                await asyncio.sleep(0.01)
                served.append(seq)

        # Arrivals in the wrong order: 3 first, then 2, then 1.
        await asyncio.gather(turn(3, 0), turn(2, 0.05), turn(1, 0.1))
        assert served == [1, 2, 3]
        async with stores[0].in_sequence("buyer_seq", 2):  # a retry of a handled one: no wait
            served.append(2)
        for store in stores:
            await store.close()

    asyncio.run(scenario())


def test_a_message_whose_predecessor_never_comes_waits_only_the_gap(redis_server, monkeypatch) -> None:
    monkeypatch.setattr(lock_module, "SEQUENCE_GAP_SECONDS", 0.3)

    async def scenario() -> float:
        (store,) = replicas(redis_server, 1)
        async with store.in_sequence("buyer_gap", 1):
            pass
        started = asyncio.get_running_loop().time()
        async with store.in_sequence("buyer_gap", 3):  # 2 was lost on its way
            waited = asyncio.get_running_loop().time() - started
        await store.close()
        return waited

    waited = asyncio.run(scenario())
    assert 0.25 <= waited < 1.5


HOLD_AND_HANG = """
import asyncio, sys
from bot.rasa_runtime.lock_store import ShopLockStore

async def main():
    store = ShopLockStore.from_url(sys.argv[1])
    async with store.lock("buyer_dead"):  # as Rasa takes it for a turn
        print("held", flush=True)
        await asyncio.sleep(3600)  # the turn never ends: the server is killed in it

asyncio.run(main())
"""


def test_a_rasa_server_killed_mid_turn_frees_the_buyer_within_seconds(redis_server, tmp_path) -> None:
    import signal
    import subprocess
    import sys
    import time

    from bot.settings import PROJECT_ROOT

    script = tmp_path / "hang.py"
    script.write_text(HOLD_AND_HANG, encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, str(script), redis_server.url], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "held"
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        killed_at = time.monotonic()

        async def next_turn() -> float:
            (alive,) = replicas(redis_server, 1)
            async with alive.lock("buyer_dead"):  # Rasa's default lifetime, as Rasa calls it
                waited = time.monotonic() - killed_at
            await alive.close()
            return waited

        assert asyncio.run(asyncio.wait_for(next_turn(), timeout=60)) < lock_module.LEASE_SECONDS + 2
    finally:
        server.kill()


def test_a_long_turn_keeps_its_lease(redis_server, monkeypatch) -> None:
    monkeypatch.setattr(lock_module, "LEASE_SECONDS", 0.3)

    async def scenario() -> None:
        first, second = replicas(redis_server, 2)
        inside: List[str] = []

        async def turn(store: ShopLockStore, name: str, seconds: float) -> None:
            async with store.lock("buyer_slow"):
                inside.append(name)
                assert inside == [name], f"turns {inside} ran at once"
                await asyncio.sleep(seconds)
                inside.remove(name)

        slow = asyncio.create_task(turn(first, "slow", 1.5))  # five leases long, still alive
        await asyncio.sleep(0.05)
        await asyncio.gather(slow, turn(second, "next", 0))
        await first.close()
        await second.close()

    asyncio.run(asyncio.wait_for(scenario(), timeout=20))
