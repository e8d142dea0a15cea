"""Realistic buyer traffic over REST, as a shop's chat channel sends it (`metadata.item_id` on
every message), and what was measured."""
from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import aiohttp

from bot.bench_load.servers import Server

# Eight turns a buyer on an item page typically sends (pre-sale questions, then goodbye), each
# in several wordings, and the sizing turn with the buyer's own height and weight: real buyers
# repeat the short questions but not their measurements, so caches keyed by text (the Rasa
# server's parse cache, the sentence embeddings) see repeats and new texts in about the
# proportion a shop does.
TURNS = [
    ("亲 在吗", "在吗", "你好 在不在", "掌柜的在吗"),
    ("这件包邮吗", "包邮吗亲", "这个包不包邮", "能包邮吗"),
    ("有什么颜色", "有几个颜色", "还有别的颜色吗"),
    ("身高{height}体重{weight}斤穿什么码", "{height} {weight}斤 穿多大的", "我{height}cm {weight}斤选哪个码"),
    ("能便宜点吗", "可以优惠吗", "便宜点呗"),
    ("什么时候发货", "几天发货", "今天能发吗"),
    ("发什么快递", "默认什么快递", "一般发哪家快递"),
    ("好的 谢谢", "谢谢亲", "好的 谢谢啦"),
]


def chat_turn(chat: int, turn: int) -> str:
    """The `turn`-th message of buyer number `chat`: the same for both bots, different per buyer."""
    wordings = TURNS[turn % len(TURNS)]
    return wordings[(chat + turn) % len(wordings)].format(height=150 + chat % 36, weight=85 + (chat * 7) % 80)


def distinct_share(chats: int) -> float:
    """Share of the messages of `chats` chats whose text was not sent before."""
    texts = [chat_turn(n, turn) for n in range(chats) for turn in range(len(TURNS))]
    return len(set(texts)) / len(texts)


ITEMS = ["T001", "T002", "T003", "C001", "W001", "K001"]
TIMEOUT = aiohttp.ClientTimeout(total=300)


def percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


@dataclass
class Level:
    """One concurrency level against one server."""

    concurrency: int
    messages: int
    seconds: float
    latencies_ms: List[float]
    cpu_seconds: Optional[float]
    errors: int = 0

    @property
    def throughput(self) -> float:
        return self.messages / self.seconds

    def p(self, share: float) -> float:
        return percentile(self.latencies_ms, share)

    @property
    def cpu_ms_per_message(self) -> Optional[float]:
        return None if self.cpu_seconds is None else 1000 * self.cpu_seconds / self.messages


async def say(
    http: aiohttp.ClientSession, server: Server, sender: str, text: str, item: Optional[str],
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


def _cpu(servers: Sequence[Server]) -> Optional[float]:
    readings = [s.cpu_seconds() for s in servers]
    return None if any(r is None for r in readings) else sum(readings)  # type: ignore[arg-type]


async def run_level(server: Server, concurrency: int, chats: int, tag: str, cpu_of: Sequence[Server]) -> Level:
    """`chats` eight-turn chats, `concurrency` buyers at a time, each waiting for its reply."""
    latencies: List[float] = []
    errors = 0
    queue: asyncio.Queue = asyncio.Queue()
    for n in range(chats):
        queue.put_nowait(n)

    async def buyer(http: aiohttp.ClientSession) -> None:
        nonlocal errors
        while not queue.empty():
            n = queue.get_nowait()
            sender, item = f"{tag}-c{concurrency}-{n}", ITEMS[n % len(ITEMS)]
            for turn in range(len(TURNS)):  # other buyers at each level, not the last level's again
                elapsed, replies = await say(http, server, sender, chat_turn(n + 1000 * concurrency, turn), item)
                latencies.append(elapsed)
                errors += replies is None

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=TIMEOUT) as http:
        cpu_before = _cpu(cpu_of)
        start = time.perf_counter()
        await asyncio.gather(*(buyer(http) for _ in range(min(concurrency, chats))))
        seconds = time.perf_counter() - start
        cpu_after = _cpu(cpu_of)
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Level(concurrency, len(latencies), seconds, latencies, cpu, errors)


async def long_chat(server: Server, messages: int, tag: str) -> List[float]:
    """One buyer, `messages` messages one after another; the latency of each."""
    latencies = []
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        for n in range(messages):
            elapsed, _ = await say(http, server, f"{tag}-long", chat_turn(n // len(TURNS), n), "T001")
            latencies.append(elapsed)
    return latencies


def around(latencies: Sequence[float], message: int, window: int = 5) -> float:
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


async def bursts(
    servers: Sequence[Server], count: int, size: int, tag: str, api_token: str, gap_ms: float = 20
) -> Bursts:
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


async def many_conversations(server: Server, conversations: int, concurrency: int, tag: str) -> None:
    """`conversations` short chats (two messages each), to watch the server's memory."""
    queue: asyncio.Queue = asyncio.Queue()
    for n in range(conversations):
        queue.put_nowait(n)

    async def buyer(http: aiohttp.ClientSession) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            for turn in range(2):
                await say(http, server, f"{tag}-mem-{n}", chat_turn(n, turn), ITEMS[n % len(ITEMS)])

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=TIMEOUT) as http:
        await asyncio.gather(*(buyer(http) for _ in range(concurrency)))
