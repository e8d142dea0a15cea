"""The owner's reports on the command line: `python -m bot metrics` (the numbers for a period, as
text or one JSON object) and `python -m bot complaints` (the complaint report for the factory)."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Optional
from zoneinfo import ZoneInfo

from bot.bootstrap import command_services, shop_clock
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.metrics.report import Metrics

COMMANDS = ("metrics", "complaints")
DEFAULT_DAYS = 30


def add_commands(commands: "argparse._SubParsersAction") -> None:
    metrics = commands.add_parser("metrics", help="the shop's numbers: conversations, auto-reply and handoff rates, …")
    metrics.add_argument(
        "--since", help=f"ISO time (default: {DEFAULT_DAYS} days before --until); no offset: the shop's time zone"
    )
    metrics.add_argument("--until", help="ISO time (default: now)")
    metrics.add_argument("--json", action="store_true", help="one JSON object")
    complaints = commands.add_parser("complaints", help="quality complaints per item, by reason, for the factory")
    complaints.add_argument("--csv", type=Path, help="also write one row per item and reason to this file")
    complaints.add_argument("--weeks", type=int, default=8, help="weeks of trend (default 8)")


def _moment(text: Optional[str], zone: ZoneInfo, default: datetime) -> datetime:
    if not text:
        return default
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def run(args: argparse.Namespace) -> int:
    if args.command == "complaints":
        return _complaints(args)
    from bot.metrics.consumer import MetricsConsumer
    from bot.metrics.report import report

    settings = Settings()
    zone = ZoneInfo(settings.timezone)
    until = _moment(args.until, zone, shop_clock(settings)())
    since = _moment(args.since, zone, until - timedelta(days=DEFAULT_DAYS))
    with command_services(settings) as shop:
        client = shop.store.client
        MetricsConsumer(shop.store).drain()  # fold what the running consumer has not folded yet
        metrics = report(client, shop.store, since, until, zone)
    if args.json:
        print(metrics.json(ensure_ascii=False))
    else:
        print(render(metrics))
    return 0


def _pct(rate: Optional[float]) -> str:
    return "n/a" if rate is None else f"{rate:.1%}"


def render(m: "Metrics") -> str:
    lines = [
        f"{m.since:%Y-%m-%d %H:%M} → {m.until:%Y-%m-%d %H:%M}",
        f"conversations        {m.conversations}   buyer messages {m.buyer_messages}",
        f"answered by the assistant alone  {_pct(m.auto_reply_rate)}   handed to a person {_pct(m.handoff_rate)} ({m.handoffs})",
        f"first reply          p50 {m.first_reply_ms_p50 or 'n/a'} ms   p95 {m.first_reply_ms_p95 or 'n/a'} ms",
        f"not understood       {_pct(m.not_understood_rate)} of buyer messages ({m.not_understood})",
        f"satisfaction         {_pct(m.csat)} satisfied ({m.csat_responses} ratings)",
        f"conversion           {_pct(m.conversion_rate)} ({m.conversions} ordered within {m.conversion_window_hours} h)",
        f"unpaid reminders     {m.unpaid_reminded} sent, {m.unpaid_paid_within_24h} paid within 24 h ({_pct(m.unpaid_reminder_conversion)})",
        f"peak hour            {m.peak_hour:%Y-%m-%d %H:00}" if m.peak_hour else "peak hour            n/a",
    ]
    # Reasons, intents and items as the owner reads them on the dashboard (bot/labels.py).
    for title, rows in (
        ("handoff reasons", [(r.label, r.count) for r in m.handoff_reasons]),
        ("top intents", [(i.label, i.count) for i in m.top_intents]),
        ("top items", [(i.label, i.count) for i in m.top_items]),
        ("not understood, most frequent", m.top_not_understood),
    ):
        if rows:
            lines.append(f"{title}: " + ", ".join(f"{name} {n}" for name, n in rows))
    return "\n".join(lines)


def _complaints(args: argparse.Namespace) -> int:
    from bot.services.complaints import complaint_report, report_rows
    from bot.spreadsheet import csv_text

    with command_services(Settings()) as shop:
        report = complaint_report(shop.store, shop.now(), weeks=args.weeks)
    if not report.items:
        print("no quality complaints recorded")
    for item in report.items:
        share = (
            ", no received orders"
            if item.share_of_received is None
            else f", {item.complained_orders} of {item.received_orders} received orders ({item.share_of_received:.1%})"
        )
        print(f"{item.sku} {item.name}: {item.complaints} complaint(s){share}")
        print("  by reason: " + ", ".join(f"{reason} {n}" for reason, n in item.by_reason.items()))
        print("  by week:   " + " ".join(f"{week[-3:]}:{n}" for week, n in item.by_week.items()))
        for quote in item.latest:
            print(f"  {quote.at:%Y-%m-%d %H:%M} [{quote.reason}] {quote.words}")
    if args.csv:
        args.csv.write_text(csv_text(report_rows(report)), encoding="utf-8", newline="")
        print(f"wrote {args.csv}")
    return 0
