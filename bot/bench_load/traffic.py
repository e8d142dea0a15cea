"""Realistic buyer traffic over REST, as a shop's chat channel sends it (`metadata.item_id` on
every message), and what was measured."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Deque, Dict, List, Optional, Sequence, Tuple

import aiohttp

from bot.bench_load.servers import Server
from bot.bench_load.texts import TURNS_PER_CHAT, BuyerTexts
from bot.channels.gate import RATE_LIMIT, RATE_WINDOW_SECONDS
from bot.replies.handoff import slow_down

# One buyer's long chat stays under the channel's rate limit (bot/channels/gate.py) with a margin,
# so it measures turns, not the throttle's cheap "slow down" reply.
LONG_CHAT_PACE_SECONDS = RATE_WINDOW_SECONDS / RATE_LIMIT * 1.1
SLOW_DOWN = slow_down()

ITEMS = ["T001", "T002", "T003", "C001", "W001", "K001"]
TIMEOUT = aiohttp.ClientTimeout(total=300)


def percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


@dataclass
class Replies:
    """What came back for the messages of one level: failures, empty answers, throttles, and
    how many texts the server had been sent before (answered by a cache keyed by text)."""

    errors: int = 0  # no HTTP 200 (or no answer at all)
    empty: int = 0  # a 200 with no reply: the buyer hears nothing
    throttled: int = 0  # the rate limiter's "slow down" instead of an answer
    repeated: int = 0
    empty_texts: List[Tuple[str, str]] = field(default_factory=list)  # (sender, text), for the report

    def count(self, server: Server, sender: str, text: str, replies: Optional[list]) -> None:
        self.repeated += text in server.texts_sent
        server.texts_sent.add(text)
        if replies is None:
            self.errors += 1
        elif not any(r.get("text") or r.get("buttons") or r.get("custom") for r in replies):
            self.empty += 1
            self.empty_texts.append((sender, text))
        elif any(SLOW_DOWN in (r.get("text") or "") for r in replies):
            self.throttled += 1


@dataclass
class Level:
    """One concurrency level against one server."""

    concurrency: int
    messages: int
    seconds: float
    latencies_ms: List[float]
    cpu_seconds: Optional[float]
    replies: Replies = field(default_factory=Replies)
    steal_share: Optional[float] = None  # of the machine's CPU time, taken by the host meanwhile

    @property
    def errors(self) -> int:
        return self.replies.errors

    @property
    def repeat_share(self) -> float:
        return self.replies.repeated / self.messages if self.messages else 0.0

    @property
    def throughput(self) -> float:
        return self.messages / self.seconds

    def p(self, share: float) -> float:
        return percentile(self.latencies_ms, share)

    @property
    def cpu_ms_per_message(self) -> Optional[float]:
        return None if self.cpu_seconds is None else 1000 * self.cpu_seconds / self.messages


async def say(
    http: aiohttp.ClientSession,
    server: Server,
    sender: str,
    text: str,
    item: Optional[str],
    seq: Optional[int] = None,
) -> tuple[float, Optional[list]]:
    body: Dict = {"sender": sender, "message": text}
    if item:
        body["metadata"] = {"item_id": item}
    if seq is not None:
        body["seq"] = seq
    start = time.perf_counter()
    try:
        async with http.post(f"{server.url}/webhooks/rest/webhook", json=body) as response:
            replies = await response.json() if response.status == 200 else None
    except (aiohttp.ClientError, asyncio.TimeoutError):
        replies = None
    return (time.perf_counter() - start) * 1000, replies


def machine_ticks() -> Optional[Tuple[int, int]]:
    """(steal, all) CPU ticks of the whole machine so far (Linux /proc/stat). On a virtual
    machine the host may run others on our cores: that time is steal, and a level measured
    while it was high is slower for a reason that is not ours."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def steal_between(before: Optional[Tuple[int, int]], after: Optional[Tuple[int, int]]) -> Optional[float]:
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def _cpu(servers: Sequence[Server]) -> Optional[float]:
    readings = [s.cpu_seconds() for s in servers]
    return None if any(r is None for r in readings) else sum(readings)  # type: ignore[arg-type]


async def run_level(
    servers: Sequence[Server],
    concurrency: int,
    chats: int,
    tag: str,
    cpu_of: Sequence[Server],
    texts: BuyerTexts,
    first_chat: int = 0,
) -> Level:
    """`chats` eight-turn chats, `concurrency` buyers at a time, each waiting for its reply; a
    chat stays on one of `servers` (as nginx keeps a buyer on one replica)."""
    latencies: List[float] = []
    tally = Replies()
    queue: asyncio.Queue = asyncio.Queue()
    for n in range(chats):
        queue.put_nowait(n)

    async def buyer(http: aiohttp.ClientSession) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            sender, item = f"{tag}-c{concurrency}-{first_chat + n}", ITEMS[n % len(ITEMS)]
            server = servers[n % len(servers)]
            for turn in range(TURNS_PER_CHAT):  # other buyers at each level, not the last level's again
                text = texts.turn(first_chat + n + 1000 * concurrency, turn)
                elapsed, replies = await say(http, server, sender, text, item)
                latencies.append(elapsed)
                tally.count(server, sender, text, replies)

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=TIMEOUT) as http:
        cpu_before, ticks_before = _cpu(cpu_of), machine_ticks()
        start = time.perf_counter()
        await asyncio.gather(*(buyer(http) for _ in range(min(concurrency, chats))))
        seconds = time.perf_counter() - start
        cpu_after, ticks_after = _cpu(cpu_of), machine_ticks()
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Level(concurrency, len(latencies), seconds, latencies, cpu, tally, steal_between(ticks_before, ticks_after))


def combined(levels: Sequence[Level]) -> Level:
    """Parts of one level run apart (each with its own buyers) as one level: their messages,
    time, latencies, CPU and replies added up, the host's steal weighted by each part's time."""
    replies = Replies(
        errors=sum(level.replies.errors for level in levels),
        empty=sum(level.replies.empty for level in levels),
        throttled=sum(level.replies.throttled for level in levels),
        repeated=sum(level.replies.repeated for level in levels),
        empty_texts=[pair for level in levels for pair in level.replies.empty_texts],
    )
    cpus = [level.cpu_seconds for level in levels if level.cpu_seconds is not None]
    steals = [(level.steal_share, level.seconds) for level in levels if level.steal_share is not None]
    seconds = sum(level.seconds for level in levels)
    steal_time = sum(time for _, time in steals)
    return Level(
        levels[0].concurrency,
        sum(level.messages for level in levels),
        seconds,
        [latency for level in levels for latency in level.latencies_ms],
        sum(cpus) if len(cpus) == len(levels) else None,
        replies,
        sum(share * time for share, time in steals) / steal_time if len(steals) == len(levels) and steal_time else None,
    )


async def long_chat(server: Server, messages: int, tag: str, texts: BuyerTexts) -> Tuple[List[float], Replies]:
    """One buyer, `messages` messages one after another, paced under the rate limit; the
    latency of each."""
    latencies = []
    tally = Replies()
    sender = f"{tag}-long"
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        for n in range(messages):
            started = time.perf_counter()
            text = texts.turn(10**6 + n // TURNS_PER_CHAT, n)
            elapsed, replies = await say(http, server, sender, text, "T001")
            latencies.append(elapsed)
            tally.count(server, sender, text, replies)
            await asyncio.sleep(max(0.0, LONG_CHAT_PACE_SECONDS - (time.perf_counter() - started)))
    return latencies, tally


async def open_loop(server: Server, rate: float, seconds: float, tag: str, texts: BuyerTexts, first_chat: int) -> Level:
    """Messages arriving as a Poisson process at `rate` a second for `seconds`, whatever the
    server's pace (a shop's peak does not wait for it). Each goes to a buyer not waiting for a
    reply (a new one when all are), as the next turn of its 8-turn chat."""
    rng = random.Random(f"{tag}-{rate}")
    latencies: List[float] = []
    tally = Replies()
    idle: Deque[Tuple[int, int]] = deque()  # (chat, next turn) of buyers who have their reply
    chats = first_chat
    pending: List[asyncio.Task] = []

    async def send(http: aiohttp.ClientSession, chat: int, turn: int) -> None:
        sender, text = f"{tag}-open{rate:g}-{chat}", texts.turn(chat, turn)
        elapsed, replies = await say(http, server, sender, text, ITEMS[chat % len(ITEMS)])
        latencies.append(elapsed)
        tally.count(server, sender, text, replies)
        if turn + 1 < TURNS_PER_CHAT:
            idle.append((chat, turn + 1))

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=TIMEOUT) as http:
        ticks_before = machine_ticks()
        start = time.perf_counter()
        due = start
        while True:
            due += rng.expovariate(rate)
            if due - start > seconds:
                break
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if idle:
                chat, turn = idle.popleft()
            else:
                chat, turn, chats = chats, 0, chats + 1
            pending.append(asyncio.create_task(send(http, chat, turn)))
        await asyncio.gather(*pending)
        elapsed = time.perf_counter() - start
        ticks_after = machine_ticks()
    return Level(int(rate), len(latencies), elapsed, latencies, None, tally, steal_between(ticks_before, ticks_after))


def where_p99_passes(rates: Sequence[float], p99s: Sequence[float], limit_ms: float) -> str:
    """Between which offered rates the p99 latency first exceeds `limit_ms`."""
    for n, (rate, p99) in enumerate(zip(rates, p99s)):
        if p99 > limit_ms:
            return f"at or below {rate:g} msg/s" if n == 0 else f"between {rates[n - 1]:g} and {rate:g} msg/s"
    return f"above {rates[-1]:g} msg/s (not reached)"


# Two whole 8-turn cycles: any 16 messages in a row hold each turn of a chat twice (its opener,
# its six questions, its closing line), so windows early and late in the long chat are the same
# mix of messages. Windows of 5 compared different kinds (the first held an opener and no
# closing line) and moved with them.
LONG_CHAT_WINDOW = 2 * TURNS_PER_CHAT


def around(latencies: Sequence[float], message: int, window: int = LONG_CHAT_WINDOW) -> float:
    """Median latency of the `window` messages ending at message number `message` (1-based)."""
    end = min(message, len(latencies))
    return statistics.median(latencies[max(0, end - window) : end])


@dataclass
class Bursts:
    bursts: int
    sent: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    empty_replies: int = 0
    failed_requests: int = 0
    extra_sessions: int = 0
    burst_ms: List[float] = field(default_factory=list)


async def bursts(servers: Sequence[Server], count: int, size: int, tag: str, api_token: str, gap_ms: float = 20) -> Bursts:
    """`count` bursts of `size` messages from one new buyer each, sent `gap_ms` apart without
    waiting for replies (a pasted list, a double tap), alternating between the servers; then
    each buyer's stored history is checked against what was sent. Messages carry their number
    (`seq`) as a channel that knows its own order sends it."""
    result = Bursts(count)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=TIMEOUT) as http:
        for b in range(count):
            sender = f"{tag}-burst-{b}"
            texts = [f"第{k + 1}个问题 这件包邮吗" for k in range(size)]

            async def send(k: int) -> Optional[list]:
                await asyncio.sleep(k * gap_ms / 1000)
                _, replies = await say(http, servers[k % len(servers)], sender, texts[k], "T001", seq=k + 1)
                return replies

            start = time.perf_counter()
            replies = await asyncio.gather(*(send(k) for k in range(size)))
            result.burst_ms.append((time.perf_counter() - start) * 1000)
            result.sent += size
            result.failed_requests += sum(r is None for r in replies)
            result.empty_replies += sum(r == [] for r in replies)
            url = f"{servers[0].url}/conversations/{sender}/tracker"
            async with http.get(url, params={"token": api_token}) as response:
                events = (await response.json()).get("events") or []
            stored = [e.get("text") for e in events if e.get("event") == "user"]
            result.lost += sum(1 for t in texts if t not in stored)
            result.duplicated += sum(max(0, stored.count(t) - 1) for t in texts)
            result.out_of_order += int([t for t in stored if t in texts] != sorted(set(stored) & set(texts), key=texts.index))
            sessions = sum(1 for e in events if e.get("event") == "action" and e.get("name") == "action_session_start")
            result.extra_sessions += max(0, sessions - 1)
    return result


async def many_conversations(server: Server, conversations: int, concurrency: int, tag: str, texts: BuyerTexts) -> None:
    """`conversations` short chats (two messages each), to watch the server's memory."""
    queue: asyncio.Queue = asyncio.Queue()
    for n in range(conversations):
        queue.put_nowait(n)

    async def buyer(http: aiohttp.ClientSession) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            for turn in range(2):
                await say(http, server, f"{tag}-mem-{n}", texts.turn(10**7 + n, turn), ITEMS[n % len(ITEMS)])

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=TIMEOUT) as http:
        await asyncio.gather(*(buyer(http) for _ in range(concurrency)))
