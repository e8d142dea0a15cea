"""`make bench-load [BENCH_ARGS=--quick]`: prints the table; see bot/bench_load/__init__.py."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from typing import Dict, List, Optional, Tuple

from bot.bench_load import traffic
from bot.bench_load.servers import BENCH_SECRET, Server, demo_shop, redis_as_server, start_project, start_stock
from bot.bench_load.texts import TURNS_PER_CHAT, BuyerTexts, distinct_share, evaluation_texts
from bot.handoff.delivery import rasa_api_token

STOCK_LONG_LIMIT = 200


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.bench_load", description=__doc__)
    parser.add_argument("--levels", default="1,10,50,200", help="concurrent buyers, comma-separated")
    parser.add_argument("--chats", type=int, default=60, help="eight-turn chats per level (at least the level)")
    parser.add_argument("--long", type=int, default=500, help="messages in the one long chat")
    parser.add_argument("--bursts", type=int, default=100, help="bursts of 12 from one buyer over 2 replicas")
    parser.add_argument("--memory", type=int, default=10000, help="conversations for the memory figure (0: skip)")
    parser.add_argument(
        "--rates", default="10,20,40,80", help="open-loop arrival rates, msg/s, comma-separated (0 or empty: skip)"
    )
    parser.add_argument(
        "--capacity-shares",
        default="0.7",
        help="open-loop rates added as shares of the project's best msg/s in the levels above, comma-separated (0 or empty: none)",
    )
    parser.add_argument("--rate-seconds", type=float, default=20, help="seconds of arrivals per open-loop rate")
    parser.add_argument(
        "--replicas-level", type=int, default=50, help="buyers for the one-versus-two Rasa servers level (0: skip)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1,10,50 buyers, 20 chats, 100-message chat, 10 bursts, rates 10,20,40 for 10 s, no memory",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.levels, args.chats, args.long, args.bursts, args.memory = "1,10,50", 20, 100, 10, 0
        args.rates, args.rate_seconds = "10,20,40", 10
    return args


def ratio(ours: Optional[float], theirs: Optional[float]) -> str:
    return "" if not ours or not theirs else f"{ours / theirs:.2f}×"


def tally(replies: traffic.Replies) -> str:
    return f"{replies.errors} / {replies.empty} / {replies.throttled}"


def fmt(value: Optional[float], digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def steal(level: traffic.Level) -> str:
    """The share of the machine's CPU the host took during the level (see traffic.machine_ticks)."""
    return "?" if level.steal_share is None else f"{level.steal_share:.1%}"


def no_reply_note(levels: List[traffic.Level]) -> None:
    empty = [pair for level in levels for pair in level.replies.empty_texts]
    if empty:
        print(
            f"\nMessages the project answered with nothing ({len(empty)}; sender, text): "
            + "; ".join(f"{sender} «{text}»" for sender, text in empty[:12])
        )


def open_loop_rates(fixed: str, shares: str, capacity: float) -> Tuple[List[float], Dict[float, float]]:
    """The open-loop rates to run, in order: the fixed ones, and each share of `capacity` (the
    project's best msg/s measured above: latency targets are set at a share of it), with the
    share each of those stands for."""
    at_share = {round(float(x) * capacity, 1): float(x) for x in shares.split(",") if x and float(x) > 0} if capacity else {}
    return sorted({float(x) for x in fixed.split(",") if x and float(x) > 0} | set(at_share)), at_share


async def measure(
    args: argparse.Namespace, project: List[Server], stock: Server, cpu_of: List[Server], stock_cpu_of: List[Server]
) -> None:
    tag = uuid.uuid4().hex[:6]
    texts = BuyerTexts(avoid=evaluation_texts())
    print("\n## Concurrent buyers (8-turn chats with metadata.item_id; stock, project, project, stock, half the chats each)\n")
    print(
        "Texts: our generator (bot/bench_load/texts.py: templates × slots × 亲/Traditional/typos/emoji/"
        "measurements/order ids); other buyers at each level; both bots get the same texts.\n"
    )
    print(
        "| buyers | stock msg/s | project msg/s | ratio | stock p50/p95/p99 ms | project p50/p95/p99 ms | p99 ratio "
        "| stock CPU ms/msg (Rasa + Redis) | project CPU ms/msg (Rasa + actions + metrics + Redis) | distinct texts "
        "| project parse-cache share "
        "| failed / no reply / throttled: stock | project | host steal: stock / project |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    ours_levels = []
    for level in [int(x) for x in args.levels.split(",")]:
        # Stock, the project, the project, stock, each part with half the chats (and at least
        # as many as there are buyers): a machine that speeds up or slows down during the level
        # (these virtual machines do, by a third within minutes) weighs on both bots alike.
        half = max(args.chats // 2, level)
        sent = [texts.turn(n + 1000 * level, turn) for n in range(2 * half) for turn in range(TURNS_PER_CHAT)]
        parts: Dict[str, List[traffic.Level]] = {"stock": [], "project": []}
        for name, first_chat in (("stock", 0), ("project", 0), ("project", half), ("stock", half)):
            servers, measured = ([stock], stock_cpu_of) if name == "stock" else (project[:1], cpu_of)
            parts[name].append(
                await traffic.run_level(servers, level, half, f"{tag}{name[0]}", measured, texts, first_chat=first_chat)
            )
        theirs, ours = traffic.combined(parts["stock"]), traffic.combined(parts["project"])
        ours_levels.append(ours)
        print(
            f"| {level} | {theirs.throughput:.1f} | {ours.throughput:.1f} | {ratio(ours.throughput, theirs.throughput)} "
            f"| {theirs.p(.5):.0f} / {theirs.p(.95):.0f} / {theirs.p(.99):.0f} "
            f"| {ours.p(.5):.0f} / {ours.p(.95):.0f} / {ours.p(.99):.0f} | {ratio(ours.p(.99), theirs.p(.99))} "
            f"| {fmt(theirs.cpu_ms_per_message, 1)} | {fmt(ours.cpu_ms_per_message, 1)} "
            f"| {distinct_share(sent):.0%} | {ours.repeat_share:.0%} | {tally(theirs.replies)} | {tally(ours.replies)} "
            f"| {steal(theirs)} / {steal(ours)} |",
            flush=True,
        )
    no_reply_note(ours_levels)
    if args.replicas_level and len(project) > 1 and cpu_of:
        await replicas_level(args, project, cpu_of, texts, tag)

    capacity = max((level.throughput for level in ours_levels), default=0.0)
    rates, at_share = open_loop_rates(args.rates, args.capacity_shares, capacity)
    if rates:
        print(
            f"\n## Open loop: Poisson arrivals at fixed rates and at shares of the project's capacity, "
            f"{args.rate_seconds:g} s each (new buyers' 8-turn chats)\n"
        )
        print(
            "| offered msg/s | stock done msg/s | stock p50/p95/p99 ms | project done msg/s | project p50/p95/p99 ms "
            "| failed / no reply / throttled: stock | project | host steal: stock / project |"
        )
        print("|---|---|---|---|---|---|---|---|")
        p99s: Dict[str, List[float]] = {"stock": [], "project": []}
        first_chat = 2 * 10**6
        open_levels = []
        for rate in rates:
            theirs = await traffic.open_loop(stock, rate, args.rate_seconds, f"{tag}s", texts, first_chat)
            ours = await traffic.open_loop(project[0], rate, args.rate_seconds, f"{tag}p", texts, first_chat)
            first_chat += 10**5
            open_levels.append(ours)
            p99s["stock"].append(theirs.p(0.99))
            p99s["project"].append(ours.p(0.99))
            share = f" ({at_share[rate]:.0%} of the project's {capacity:.1f})" if rate in at_share else ""
            print(
                f"| {rate:g}{share} | {theirs.throughput:.1f} | {theirs.p(.5):.0f} / {theirs.p(.95):.0f} / {theirs.p(.99):.0f} "
                f"| {ours.throughput:.1f} | {ours.p(.5):.0f} / {ours.p(.95):.0f} / {ours.p(.99):.0f} "
                f"| {tally(theirs.replies)} | {tally(ours.replies)} | {steal(theirs)} / {steal(ours)} |",
                flush=True,
            )
        for name, values in p99s.items():
            print(f"\n{name}: p99 passes 1 s {traffic.where_p99_passes(rates, values, 1000)}.", end="")
        print()
        no_reply_note(open_levels)

    if args.long:
        await long_chat_level(args, project, stock, texts, tag)

    if args.bursts:
        servers = project[:2]
        print(f"\n## Bursts: {args.bursts} × 12 messages from one buyer, 20 ms apart, across {len(servers)} Rasa server(s)\n")
        result = await traffic.bursts(servers, args.bursts, 12, f"{tag}p", rasa_api_token(BENCH_SECRET))
        print(
            "| sent | lost | duplicated | bursts out of order | empty replies | failed requests | extra sessions | burst of 12, median ms | per message ms |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        median = statistics.median(result.burst_ms)
        print(
            f"| {result.sent} | {result.lost} | {result.duplicated} | {result.out_of_order} | {result.empty_replies} "
            f"| {result.failed_requests} | {result.extra_sessions} | {median:.0f} | {median / 12:.0f} |"
        )

    if args.memory and project[0].process:
        print("\n## Rasa-server memory (RSS), two-message conversations at 50 at a time\n")
        await traffic.many_conversations(project[0], 100, 50, f"{tag}m1", texts)
        after_100 = project[0].rss_mb()
        await traffic.many_conversations(project[0], args.memory - 100, 50, f"{tag}m2", texts)
        after_n = project[0].rss_mb()
        print(
            f"| after 100 | after {args.memory} | ratio |\n|---|---|---|\n| {after_100:.0f} MB | {after_n:.0f} MB | {ratio(after_n, after_100)} |"
        )


async def long_chat_level(args: argparse.Namespace, project: List[Server], stock: Server, texts: BuyerTexts, tag: str) -> None:
    # Stock's cost per message grows with the square of the chat: its 500-message chat alone would
    # take about half an hour, so it stops at STOCK_LONG_LIMIT (the figure its README gives).
    stock_long = min(args.long, STOCK_LONG_LIMIT)
    window = traffic.LONG_CHAT_WINDOW
    print(
        f"\n## One buyer, {args.long} messages (stock: {stock_long}); median ms of the {window} messages ending at "
        f"each (two whole {TURNS_PER_CHAT}-turn cycles: the same mix of questions early and late)\n"
    )
    print(f"(one message every {traffic.LONG_CHAT_PACE_SECONDS:.2f} s at most, under the channel's rate limit)\n")
    theirs_long, theirs_tally = await traffic.long_chat(stock, stock_long, f"{tag}s", texts)
    ours_long, ours_tally = await traffic.long_chat(project[0], args.long, f"{tag}p", texts)
    marks = [m for m in (window, 50, 100, 200, 500) if m <= args.long] or [args.long]
    print("| message | " + " | ".join(str(m) for m in marks) + f" | last ÷ {marks[0]}th |")
    print("|---|" + "---|" * (len(marks) + 1))
    for name, lat in (("stock", theirs_long), ("project", ours_long)):
        cells = [traffic.around(lat, m) if m <= len(lat) else None for m in marks]
        first, last = cells[0], [c for c in cells if c is not None][-1]
        assert first is not None  # both chats reach the first mark
        print(f"| {name} | " + " | ".join(fmt(c) for c in cells) + f" | {last / first:.2f}× |")
    print(f"\nfailed / no reply / throttled: stock {tally(theirs_tally)}, project {tally(ours_tally)}")


async def replicas_level(
    args: argparse.Namespace, project: List[Server], cpu_of: List[Server], texts: BuyerTexts, tag: str
) -> None:
    """The same buyers on one Rasa server and then spread over all of them (each buyer kept on one)."""
    buyers = args.replicas_level
    chats = max(args.chats, buyers)
    helpers = cpu_of[1:]  # the action server, the metrics consumer and Redis: shared by every replica
    print(f"\n## Replicas: {buyers} buyers on one Rasa server, then over {len(project)} (other buyers each time)\n")
    print(
        "| Rasa servers | msg/s | p50 / p99 ms | CPU ms/msg (all of ours, Redis included) | failed / no reply / throttled "
        "| host steal |"
    )
    print("|---|---|---|---|---|---|")
    for count in (1, len(project)):
        servers = project[:count]
        level = await traffic.run_level(
            servers, buyers, chats, f"{tag}r{count}", [*servers, *helpers], texts, first_chat=5 * 10**6 + count * 10**5
        )
        print(
            f"| {count} | {level.throughput:.1f} | {level.p(.5):.0f} / {level.p(.99):.0f} "
            f"| {fmt(level.cpu_ms_per_message, 1)} | {tally(level.replies)} | {steal(level)} |",
            flush=True,
        )


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    with demo_shop() as (redis, processes):
        started = time.perf_counter()
        stock = start_stock(processes, redis.port)
        rasa_url = os.environ.get("RASA_URL")
        if rasa_url:
            project = [Server("project", rasa_url.rstrip("/"))]
            cpu_of: List[Server] = []
        else:
            started_project = start_project(processes, redis.url, replicas=2 if args.bursts or args.replicas_level else 1)
            project = started_project.rasa
            # Redis serves one bot at a time (the levels take turns), so its CPU counts for both.
            cpu_of = [project[0], *started_project.helpers, redis_as_server(redis)]
        print(f"servers up in {time.perf_counter() - started:.0f} s; machine: {os.cpu_count()} cores")
        stock_cpu_of = [stock, redis_as_server(redis)] if cpu_of else [stock]
        asyncio.run(measure(args, project, stock, cpu_of, stock_cpu_of))
    return 0


if __name__ == "__main__":
    sys.exit(main())
