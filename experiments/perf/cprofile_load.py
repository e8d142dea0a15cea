"""Where one Rasa server's CPU goes, by thread, counted by cProfile while buyers chat with it.

    python -m experiments.perf.cprofile_load [--buyers 50] [--chats 60] [--top 30]

Starts a throwaway Redis and the assistant with its Rasa server under
`experiments.perf.cprofiled_rasa`, warms it up, profiles the benchmark's distinct-text chats,
and prints for the event loop, the NLU parse thread and the action threads the functions with the
most cumulative and own time, per message. cProfile slows Python calls down (roughly 1.5-2×),
so read shares and call counts, not absolute times.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pstats
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional

from bot.bench_load.servers import demo_shop, start_project
from bot.bench_load.texts import BuyerTexts, evaluation_texts
from experiments.perf.profile_load import drive


def show(path: Path, title: str, messages: int, top: int) -> None:
    if not path.exists():
        return
    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\n=== {title}: {1000 * total / messages:.2f} ms a message (under cProfile) ===")
    for sort in ("cumulative", "tottime"):
        print(f"--- by {sort} ---")
        stats.sort_stats(sort).print_stats(top)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.perf.cprofile_load", description=__doc__)
    parser.add_argument("--buyers", type=int, default=50)
    parser.add_argument("--chats", type=int, default=60)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--keep", type=Path, default=None, help="keep the .prof files here")
    args = parser.parse_args(argv)
    with demo_shop() as (redis, processes), tempfile.TemporaryDirectory(prefix="cprofile-") as scratch:
        directory = args.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        os.environ["PROFILE_DIR"] = str(directory)
        project = start_project(
            processes, redis.url, replicas=1, rasa_command=(sys.executable, "-m", "experiments.perf.cprofiled_rasa")
        )
        server = project.rasa[0]
        texts = BuyerTexts(seed=7, avoid=evaluation_texts())
        asyncio.run(drive([server], 5, 5, texts, []))  # warm-up: the encoder loads, the caches fill
        os.kill(server.pid, signal.SIGUSR1)  # type: ignore[arg-type]
        time.sleep(0.5)
        level = asyncio.run(drive([server], args.buyers, args.chats, texts, []))
        os.kill(server.pid, signal.SIGUSR2)  # type: ignore[arg-type]
        deadline = time.monotonic() + 120
        while not (directory / "done").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        print(f"{level.messages} messages, {level.throughput:.1f} msg/s under the profiler")
        for name, title in (("loop", "event loop"), ("nlu", "NLU parse thread"), ("actions", "action threads")):
            show(directory / f"{name}.prof", title, level.messages, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
