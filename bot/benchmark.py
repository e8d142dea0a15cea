"""`make bench`: speed numbers, printed, never asserted (a noisy 2-core machine makes timed tests flaky).

Measured in one run so they can be compared as ratios:
- NLU parse of buyer messages through the trained model (median, p95), with the sentence-
  embedding cache cold (every message new) and warm (the same messages again);
- the rule layer alone (normalise + entity rules), and its share of a parse;
- a typed catalogue read from Redis against a bare Redis PING on the same connection.
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import time
from typing import Callable, List, Sequence, Tuple

from bot.bootstrap import shop_store
from bot.evaluation import quiet_rasa, read_heldout
from bot.loader import load_file
from bot.model_files import trained_model
from bot.nlu.lexicon import Lexicon
from bot.redis_server import RedisServer, free_port
from bot.settings import PROJECT_ROOT
from bot.store import connect

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


def main() -> int:
    from bot.nlu.entities import EntityReader
    from bot.nlu.normalize import normalize

    texts = [text for text, _ in read_heldout()]
    parse, warm = asyncio.run(parse_times(texts))
    print(f"NLU parse (full pipeline, in-process), embedding cache cold: {summary(parse)}")
    print(f"NLU parse, embedding cache warm: {summary(warm)}; "
          f"{statistics.median(warm) / statistics.median(parse):.2f}x the cold median")

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
        print(f"store.product (typed): {summary(product)}; "
              f"{statistics.median(product) / statistics.median(ping):.1f}x a PING")
        print(f"store.orders_of (typed): {summary(orders)}; "
              f"{statistics.median(orders) / statistics.median(ping):.1f}x a PING")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
