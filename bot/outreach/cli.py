"""`python -m bot campaign FILE [--dry-run]`: who gets a campaign's message, then (without
--dry-run) send it; a second run sends nobody twice."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import Settings

COMMANDS = ("campaign",)


def add_commands(commands: "argparse._SubParsersAction") -> None:
    campaign = commands.add_parser("campaign", help="send a campaign (YAML, see bot/outreach/campaigns.py) to opted-in buyers")
    campaign.add_argument("file", type=Path)
    campaign.add_argument("--dry-run", action="store_true", help="list who would get what; send nothing")


def run(args: argparse.Namespace) -> int:
    from bot.bootstrap import command_services
    from bot.console.callback import ShopCallback
    from bot.console.rasa_client import RasaClient
    from bot.console.secret import WeakSecret, shared_secret
    from bot.loader import DataFileError
    from bot.outreach.campaigns import load_campaign, plan_campaign
    from bot.outreach.sender import OutreachSender

    settings = Settings()
    try:
        campaign = load_campaign(args.file)
    except DataFileError as error:
        print(f"not sent: {error}", file=sys.stderr)
        return 2
    with command_services(settings) as shop:
        store, now = shop.store, shop.now()
        plan = plan_campaign(campaign, store, now)
        for planned in plan.send:
            print(f"{'would send' if args.dry_run else 'send'}  {planned.buyer_id} ({planned.nickname}): {planned.text}")
        for skipped in plan.skipped:
            print(f"skip        {skipped.buyer_id}: {skipped.why}")
        print(f"{len(plan.send)} to send, {len(plan.skipped)} skipped, {plan.outside_audience} outside the audience")
        if args.dry_run:
            return 0
        if not plan.in_window:
            print(
                f"not sent: now ({now:%Y-%m-%d %H:%M %z}) is outside the send window "
                f"{campaign.send_window.start:%Y-%m-%d %H:%M} – {campaign.send_window.end:%Y-%m-%d %H:%M}",
                file=sys.stderr,
            )
            return 1
        try:
            secret = shared_secret(settings)  # CONSOLE_SECRET, or the one `make run` generated
        except WeakSecret as error:
            print(f"not sent: {error}", file=sys.stderr)
            return 2

        async def send_all() -> int:
            sender = OutreachSender(store, RasaClient(settings.rasa_url, secret), ShopCallback(settings.shop_callback_url))
            try:
                sent = 0
                for planned in plan.send:
                    sent += await sender.send_once(
                        campaign.send_key(planned.buyer_id), planned.buyer_id, planned.text, now, marketing=True
                    )
                return sent
            finally:
                await sender.close()

        sent = asyncio.run(send_all())
        print(
            f"sent {sent} of {len(plan.send)}"
            + ("" if sent == len(plan.send) else " (the rest could not be delivered now: run it again)")
        )
    return 0
