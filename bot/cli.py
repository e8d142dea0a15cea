"""Command line: `python -m bot load FILE`, `python -m bot load-demo`; trainer tools (bot/trainer/cli.py):
`export-corrections`, `story-from-conversation SENDER_ID`, `compare-eval OLD NEW`, `corrections`; agent console (bot/console/cli.py): `hash-password`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from bot.bootstrap import command_services
from bot.console import cli as console_cli
from bot.loader import DataFileError, load_file, summary
from bot.metrics import cli as metrics_cli
from bot.outreach import cli as outreach_cli
from bot.settings import Settings
from bot.trainer import cli as trainer_cli


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Shop assistant tools")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="validate a shop data file (YAML/JSON) and load it into Redis")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--merge",
        action="store_true",
        help="keep products, buyers and orders the file does not mention (default: the file replaces them)",
    )
    load.add_argument(
        "--knowledge-from-file",
        action="store_true",
        help="overwrite the knowledge entries owners edited in the console with the file's (default: keep the owners')",
    )
    commands.add_parser("load-demo", help="load the demo shop (data/shop/demo_shop.yml)")
    trainer_cli.add_commands(commands)
    console_cli.add_commands(commands)
    metrics_cli.add_commands(commands)
    outreach_cli.add_commands(commands)
    args = parser.parse_args(argv)
    if args.command in trainer_cli.COMMANDS:
        return trainer_cli.run(args)
    if args.command in console_cli.COMMANDS:
        return console_cli.run(args)
    if args.command in metrics_cli.COMMANDS:
        return metrics_cli.run(args)
    if args.command in outreach_cli.COMMANDS:
        return outreach_cli.run(args)

    settings = Settings()
    path = args.file if args.command == "load" else settings.demo_data
    with command_services(settings) as shop:
        # The demo's orders are moved to today, so it makes sense on the day it runs.
        move_to = shop.now() if args.command == "load-demo" else None
        try:
            merge = bool(getattr(args, "merge", False))
            from_file = bool(getattr(args, "knowledge_from_file", False))
            print(summary(load_file(path, shop.store, move_to, merge, now=shop.now(), knowledge_from_file=from_file), path))
        except DataFileError as error:
            print(f"not loaded, nothing written: {error}", file=sys.stderr)
            return 2
    return 0
