"""CPU a message by thread of one Rasa server under load: the event loop, the NLU parse thread,
the action threads and the default executor's.

    python -m experiments.perf.thread_cpu [--buyers 50] [--chats 100] [--open-rate R --seconds 15]

Starts a throwaway Redis and the assistant (one Rasa server, as `make bench-load` does), warms it
up, reads each thread's CPU time from /proc before and after the benchmark's distinct-text chats,
and names the threads with `py-spy dump` (`pip install py-spy`). Python code runs one thread at a
time (the GIL), so the event loop's share bounds what one server can serve; the sentence encoder
releases the GIL on the parse thread.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
from typing import Dict, List, Optional, Tuple

from bot.bench_load import traffic
from bot.bench_load.servers import demo_shop, start_project
from bot.bench_load.texts import BuyerTexts, evaluation_texts
from experiments.perf.profile_load import drive


def thread_cpu_seconds(pid: int) -> Dict[int, Tuple[float, float]]:
    """Each thread's (user, system) CPU seconds: system time is the kernel's work for its calls
    (socket writes to Redis, waking another thread), which costs much on these virtual machines."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:  # the thread ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seconds[int(tid)] = (int(fields[11]) / ticks, int(fields[12]) / ticks)  # utime, stime
    return seconds


def thread_names(py_spy: str, pid: int) -> Dict[int, str]:
    dump = subprocess.run([py_spy, "dump", "--pid", str(pid)], capture_output=True, text=True).stdout
    return {int(tid): name for tid, name in re.findall(r'^Thread (\d+) \(\w+\): "([^"]+)"', dump, flags=re.M)}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.perf.thread_cpu", description=__doc__)
    parser.add_argument("--buyers", type=int, default=50)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument(
        "--open-rate", type=float, default=0, help="instead of --buyers: Poisson arrivals at this msg/s (open loop)"
    )
    parser.add_argument("--seconds", type=float, default=15, help="of arrivals, with --open-rate")
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        print("py-spy is not installed: .venv/bin/pip install py-spy", file=sys.stderr)
        return 2
    with demo_shop() as (redis, processes):
        server = start_project(processes, redis.url, replicas=1).rasa[0]
        texts = BuyerTexts(seed=7, avoid=evaluation_texts())
        asyncio.run(drive([server], 5, 5, texts, []))  # warm-up: the encoder loads, the caches fill
        before = thread_cpu_seconds(server.pid)
        if args.open_rate:
            level = asyncio.run(traffic.open_loop(server, args.open_rate, args.seconds, "cpu", texts, 10**6))
        else:
            level = asyncio.run(drive([server], args.buyers, args.chats, texts, []))
        after = thread_cpu_seconds(server.pid)
        names = thread_names(py_spy, server.pid)
    print(
        f"{level.messages} messages in {level.seconds:.1f} s, {level.throughput:.1f} msg/s, p50 / p99 {level.p(0.5):.0f} / "
        f"{level.p(0.99):.0f} ms; CPU ms a message by thread (user + system):"
    )
    spent = sorted(
        (
            (user - before.get(tid, (0.0, 0.0))[0], system - before.get(tid, (0.0, 0.0))[1], tid)
            for tid, (user, system) in after.items()
        ),
        key=lambda row: -(row[0] + row[1]),
    )
    per_message = 1000 / level.messages
    for user, system, tid in spent:
        if user + system > 0:
            print(
                f"  {per_message * (user + system):6.2f} = {per_message * user:5.2f} + {per_message * system:5.2f}  {names.get(tid, f'thread {tid}')}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
