"""A Redis lock store that serves one conversation's messages in order, once, across replicas.

Rasa 3.6.21's RedisLockStore reads a ticket lock, changes it in Python and writes it back: two
Rasa servers issuing tickets at once can both read the same lock and one ticket is lost, so two
turns of a buyer run together (two sessions started, a turn not stored). And a waiting message
polls once a second, so a buyer's queued messages are served about one per second.

Here every step is one Lua script (atomic in Redis), and a waiter blocks on a list that the
release of the ticket before it pushes to, so it goes the moment the lock is free:

- issue: `next` += 1 is the ticket; the first ticket of a free lock is served at once.
- acquire: wait until `serving` is the ticket, then hold it (`holder`, a lease of `LEASE_SECONDS`
  that the holder renews every third of it for as long as its turn runs).
- release: `serving` moves to the next ticket still wanted (tickets given up are skipped) and
  that ticket's waiter is woken; with nobody waiting the lock's keys are removed.
- a holder that died (a Rasa server killed mid-turn): its lease is not renewed, so it expires
  within `LEASE_SECONDS` and the next waiter takes over; the buyer's next message is not held up
  for Rasa's lock lifetime (`TICKET_LOCK_LIFETIME`, 60 s), which bounds only how long a waiter waits.

The lock serves messages in the order they reach Redis. Two messages sent 20 ms apart to two
replicas can reach it the other way round (the first replica's event loop was busy), so a client
that numbers its messages (REST `seq`: 1, 2, 3 … per sender) gets them handled in that order:
`in_sequence` holds message n until message n-1 has been handled, for at most `SEQUENCE_GAP_SECONDS`
(a message lost on its way must not hold the buyer up for good).

Keys: bot/store.py, `ConversationKeys`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional, Text

import redis.asyncio as aioredis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.store import ConversationKeys

logger = logging.getLogger(__name__)

# How long a waiter blocks before it checks whether the holder has died (it is woken at once on
# a normal release, so this only bounds how late a dead holder is noticed after its expiry).
RECHECK_SECONDS = 0.5

# A holder's lease on the lock, renewed every third of it while its turn runs: a dead holder frees
# the conversation this long after its last renewal.
LEASE_SECONDS = 5.0

# KEYS: holder. ARGV: ticket, lease ms. Renews the lease while the ticket still holds it (1), else 0.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""

# How long a numbered message waits for the one numbered before it to be handled.
SEQUENCE_GAP_SECONDS = 2.0
SEQUENCE_KEEP_MS = 7 * 86400 * 1000

# KEYS: seq_done, seq_wake(seq). ARGV: seq, keep ms. Marks `seq` handled and wakes its successor.
_SEQUENCE_DONE = """
local done = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > done then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
redis.call('RPUSH', KEYS[2], 1)
redis.call('PEXPIRE', KEYS[2], 60000)
return 1
"""

# KEYS: next, serving, holder. ARGV: lifetime ms. Returns {ticket, 1 if served now else 0}.
_ISSUE = """
local ticket = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], 86400000)
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], ticket, 'PX', 86400000)
  redis.call('SET', KEYS[3], ticket, 'PX', ARGV[1])
  return {ticket, 1}
end
return {ticket, 0}
"""

# KEYS: next, serving, holder, skip. ARGV: ticket, lifetime ms, wake-key prefix.
# Returns 1 when the ticket holds the lock now. When the serving ticket's holder expired (it
# died, or its waiter did before taking it), serving moves on and that ticket is woken.
_ACQUIRE = """
local ticket = tonumber(ARGV[1])
local serving = tonumber(redis.call('GET', KEYS[2]) or '0')
if serving == ticket then
  redis.call('SET', KEYS[3], ticket, 'PX', ARGV[2])
  return 1
end
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = serving + 1
while n <= last and redis.call('SREM', KEYS[4], n) == 1 do n = n + 1 end
if n > last then return 0 end
redis.call('SET', KEYS[2], n, 'PX', 86400000)
redis.call('SET', KEYS[3], n, 'PX', ARGV[2])
if n == ticket then return 1 end
redis.call('RPUSH', ARGV[3] .. n, 1)
redis.call('PEXPIRE', ARGV[3] .. n, ARGV[2])
return 0
"""

# KEYS: next, serving, holder, skip. ARGV: ticket, lifetime ms, wake-key prefix.
# Returns the ticket served next, 0 when the lock is now free, -1 when the ticket was not served
# (given up while waiting: it is skipped when its turn comes).
_RELEASE = """
local ticket = tonumber(ARGV[1])
local serving = tonumber(redis.call('GET', KEYS[2]) or '0')
if serving ~= ticket then
  redis.call('SADD', KEYS[4], ticket)
  redis.call('PEXPIRE', KEYS[4], 86400000)
  return -1
end
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = ticket + 1
while n <= last and redis.call('SREM', KEYS[4], n) == 1 do n = n + 1 end
if n > last then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
  return 0
end
redis.call('SET', KEYS[2], n, 'PX', 86400000)
redis.call('SET', KEYS[3], n, 'PX', ARGV[2])
redis.call('RPUSH', ARGV[3] .. n, 1)
redis.call('PEXPIRE', ARGV[3] .. n, ARGV[2])
return n
"""


class ShopLockStore(LockStore):
    """Rasa's `LockStore` on Redis with atomic tickets and waits that end on release."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        client: Optional[aioredis.Redis] = None,
        key_prefix: Optional[Text] = None,
    ) -> None:
        options = dict(endpoint_config.kwargs) if endpoint_config else {}
        self.key_prefix = key_prefix or options.get("key_prefix") or "lock"
        self.tracker_key_prefix = options.get("tracker_key_prefix") or "tracker"
        self.red = client or aioredis.Redis(
            host=(endpoint_config.url if endpoint_config else None) or "localhost",
            port=int(options.get("port") or 6379),
            db=int(options.get("db") or 0),
            username=options.get("username") or None,
            password=options.get("password") or None,
            ssl=bool(options.get("use_ssl", False)),
        )
        self._issue = self.red.register_script(_ISSUE)
        self._acquire = self.red.register_script(_ACQUIRE)
        self._release = self.red.register_script(_RELEASE)
        self._renew = self.red.register_script(_RENEW)
        self._sequence_done = self.red.register_script(_SEQUENCE_DONE)
        super().__init__()

    @classmethod
    def from_url(cls, url: str, key_prefix: Text = "lock") -> "ShopLockStore":
        return cls(client=aioredis.Redis.from_url(url), key_prefix=key_prefix)

    def _keys(self, conversation_id: Text) -> ConversationKeys:
        return ConversationKeys(self.tracker_key_prefix, self.key_prefix, conversation_id)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = RECHECK_SECONDS,
    ) -> AsyncGenerator[TicketLock, None]:
        keys = self._keys(conversation_id)
        lifetime_ms = max(1, int(LEASE_SECONDS * 1000))  # the holder's lease (renewed while held)
        counters = [keys.lock_next, keys.lock_serving, keys.lock_holder]
        both = counters + [keys.lock_skip]
        wake_prefix = keys.lock_wake(0)[:-1]
        try:
            ticket, served = await self._issue(keys=counters, args=[lifetime_ms])
        except Exception as error:  # Rasa's callers expect a LockError
            raise LockError(f"could not issue a ticket for {conversation_id}: {error}") from error
        ticket = int(ticket)
        renewing: Optional[asyncio.Task] = None
        try:
            if not served:
                await self._wait_for_turn(keys, both, ticket, lifetime_ms, wake_prefix, lock_lifetime)
            renewing = asyncio.create_task(self._keep_lease(keys, ticket, lifetime_ms))
            yield TicketLock(conversation_id)
        finally:
            if renewing is not None:
                renewing.cancel()
            # Shielded: a cancelled request (client gone) must still hand the lock on.
            await asyncio.shield(self._release(keys=both, args=[ticket, lifetime_ms, wake_prefix]))
            if not served:  # only a waiter's ticket can have a wake-up list left (served at issue: none)
                await self.red.delete(keys.lock_wake(ticket))

    async def _keep_lease(self, keys: ConversationKeys, ticket: int, lease_ms: int) -> None:
        """Renew the holder's lease every third of it until the turn ends (this task is cancelled)."""
        while True:
            await asyncio.sleep(lease_ms / 3000)
            try:
                if not await self._renew(keys=[keys.lock_holder], args=[ticket, lease_ms]):
                    logger.warning("%s: the lock's lease ran out during a turn (event loop stalled?)", keys.conversation_id)
                    return
            except Exception:  # Redis unreachable: the turn itself will fail on its own
                logger.warning("%s: could not renew the lock's lease", keys.conversation_id)

    async def _wait_for_turn(
        self,
        keys: ConversationKeys,
        both: list,
        ticket: int,
        lifetime_ms: int,
        wake_prefix: str,
        lock_lifetime: float,
    ) -> None:
        # A waiter gives up after two lifetimes: by then every holder before it has expired.
        deadline = time.monotonic() + 2 * lock_lifetime
        wake = keys.lock_wake(ticket)
        while True:
            if await self._acquire(keys=both, args=[ticket, lifetime_ms, wake_prefix]):
                return
            if time.monotonic() > deadline:
                raise LockError(f"could not acquire the lock for {keys.conversation_id}")
            await self.red.blpop([wake], timeout=RECHECK_SECONDS)

    @asynccontextmanager
    async def in_sequence(self, conversation_id: Text, seq: Optional[int]) -> AsyncGenerator[None, None]:
        """Hold the message numbered `seq` until the one numbered `seq - 1` has been handled
        (or `SEQUENCE_GAP_SECONDS` passed), then mark it handled when the block ends. Take it
        before `lock()`: a message that waits here has not taken a ticket yet."""
        if seq is None:
            yield
            return
        keys = self._keys(conversation_id)
        if seq > 1:
            await self._wait_for_predecessor(keys, seq)
        try:
            yield
        finally:
            await asyncio.shield(self._sequence_done(keys=[keys.seq_done, keys.seq_wake(seq)], args=[seq, SEQUENCE_KEEP_MS]))

    async def _wait_for_predecessor(self, keys: ConversationKeys, seq: int) -> None:
        deadline = time.monotonic() + SEQUENCE_GAP_SECONDS
        while int(await self.red.get(keys.seq_done) or 0) < seq - 1:
            left = deadline - time.monotonic()
            if left <= 0:
                logger.info("%s: message %d did not come before %d; going on", keys.conversation_id, seq - 1, seq)
                return
            await self.red.blpop(
                [keys.seq_wake(seq - 1)], timeout=max(0.01, min(left, RECHECK_SECONDS))
            )  # 0 would block for good

    # Rasa's LockStore API around tickets, for callers that use it directly (none in Rasa's
    # message handling, which only uses `lock()`): this store keeps no TicketLock objects.
    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: Text) -> None:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        return None

    async def close(self) -> Any:
        await self.red.close()
