"""`make bench`: speed numbers, printed, never asserted (a noisy 2-core machine makes timed tests flaky).

Measured in one run so they can be compared as ratios:
- NLU parse of buyer messages through the trained model (median, p95), with the sentence-
  embedding cache cold (every message new) and warm (the same messages again);
- the rule layer alone (normalise + entity rules), and its share of a parse;
- a typed catalogue read from Redis against a bare Redis PING on the same connection;
- the knowledge base: matching one message against 500 entries, building that index, and the
  whole per-turn check an action makes (version GET + match) beside a PING.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable, List, Sequence, Tuple

from bot.bootstrap import shop_store
from bot.evaluation import quiet_rasa, read_heldout
from bot.loader import load_file
from bot.model_files import trained_model
from bot.nlu.lexicon import Lexicon
from bot.redis_server import RedisServer, free_port
from bot.settings import PROJECT_ROOT
from bot.store import connect

if TYPE_CHECKING:
    from bot.models import KnowledgeEntry
    from bot.store import ShopStore

LEXICON = PROJECT_ROOT / "data" / "lexicon" / "shop_lexicon.json"
DEMO = PROJECT_ROOT / "data" / "shop" / "demo_shop.yml"


def timed(function: Callable[[], object], repeat: int) -> List[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: Sequence[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms (n={len(ordered)})"


async def parse_times(texts: Sequence[str]) -> Tuple[List[float], List[float]]:
    """Parse times with the embedding cache cold, then warm (the same texts again)."""
    from rasa.core.agent import Agent

    from bot.nlu.sentence_embedding import live_caches

    quiet_rasa()
    agent = Agent.load(str(trained_model()))
    for text in texts[:20]:  # warm-up: first calls build TensorFlow functions and load the encoder
        await agent.parse_message(text)
    for cache in live_caches():
        cache.clear()
    passes = []
    for _ in ("cold", "warm"):
        samples = []
        for text in texts:
            start = time.perf_counter()
            await agent.parse_message(text)
            samples.append((time.perf_counter() - start) * 1000)
        passes.append(samples)
    return passes[0], passes[1]


def many_entries(count: int) -> List["KnowledgeEntry"]:
    """`count` entries shaped like a real shop's: a question, three paraphrases, two keywords."""
    from bot.models import KnowledgeEntry

    topics = ["发票", "花呗", "保价", "优惠券", "积分", "退货", "换货", "运费险", "发货地", "礼盒"]
    return [
        KnowledgeEntry(
            key=f"entry_{n}",
            question=f"{topics[n % 10]}第{n}条问题怎么办",
            similar=[f"请问{topics[n % 10]}{n}怎么处理", f"{n}号{topics[n % 10]}可以吗", f"关于{topics[n % 10]}{n}"],
            keywords=[f"{topics[n % 10]}{n}号", f"关键词{n}"],
            answer=f"亲，这是第{n}条的答案～",
        )
        for n in range(count)
    ]


def knowledge_numbers(store: "ShopStore", texts: Sequence[str], ping_ms: float, parse_ms: float) -> None:
    from bot.knowledge.base import KnowledgeBase
    from bot.knowledge.matching import KnowledgeIndex
    from bot.knowledge.records import KnowledgeRecords

    entries = many_entries(500)
    build = timed(lambda: KnowledgeIndex(entries), 5)
    index = KnowledgeIndex(entries)
    now = datetime.now(timezone.utc)
    matches = []
    for text in texts:
        start = time.perf_counter()
        index.matches(text, now)
        matches.append((time.perf_counter() - start) * 1000)
    print(f"knowledge index of 500 entries (2,000 questions): built in {summary(build)}")
    print(
        f"knowledge match, one message against 500 entries: {summary(matches)}; "
        f"{statistics.median(matches) / parse_ms:.0%} of a median parse"
    )
    records = KnowledgeRecords(store.client, store.shop_id)
    for entry in entries:
        records.put(entry)
    base = KnowledgeBase(records)
    base.matches("预热", now)
    turn = []
    for text in texts:
        start = time.perf_counter()
        base.matches(text, now)
        turn.append((time.perf_counter() - start) * 1000)
    print(
        f"an action's knowledge check (version GET + match, 500 entries): {summary(turn)}; "
        f"{statistics.median(turn) / ping_ms:.1f}x a PING"
    )


def main() -> int:
    from bot.nlu.entities import EntityReader
    from bot.nlu.normalize import normalize

    texts = [text for text, _ in read_heldout()]
    parse, warm = asyncio.run(parse_times(texts))
    print(f"NLU parse (full pipeline, in-process), embedding cache cold: {summary(parse)}")
    print(
        f"NLU parse, embedding cache warm: {summary(warm)}; "
        f"{statistics.median(warm) / statistics.median(parse):.2f}x the cold median"
    )

    reader = EntityReader(Lexicon.load(LEXICON))
    rules = []
    for text in texts:
        start = time.perf_counter()
        reader.read(normalize(text))
        rules.append((time.perf_counter() - start) * 1000)
    share = statistics.median(rules) / statistics.median(parse)
    print(f"normalise + entity rules: {summary(rules)}; {share:.0%} of a median parse")

    directory = PROJECT_ROOT / ".run" / "bench-redis"
    server = RedisServer(free_port(), directory, persistent=False).start()
    try:
        client = connect(server.url)
        store = shop_store(client, "demo")
        load_file(DEMO, store)
        ping = timed(client.ping, 2000)
        product = timed(lambda: store.product("T001"), 2000)
        orders = timed(lambda: store.orders_of("buyer_xiaomei"), 500)
        print(f"Redis PING: {summary(ping)}")
        print(
            f"store.product (typed): {summary(product)}; " f"{statistics.median(product) / statistics.median(ping):.1f}x a PING"
        )
        print(
            f"store.orders_of (typed): {summary(orders)}; " f"{statistics.median(orders) / statistics.median(ping):.1f}x a PING"
        )
        knowledge_numbers(store, texts, statistics.median(ping), statistics.median(parse))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
