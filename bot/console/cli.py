"""The console subcommand of `python -m bot` (bot/cli.py registers it):

hash-password [--agent NAME]   hash an agent's password for CONSOLE_AGENTS
rasa-api-token                 the --auth-token for a Rasa server started by hand next to the console
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.console.auth import hash_password
from bot.console.secret import shared_secret
from bot.handoff.delivery import rasa_api_token
from bot.settings import Settings

COMMANDS = ("hash-password", "rasa-api-token")
MIN_LENGTH = 8


def add_commands(commands: "argparse._SubParsersAction") -> None:
    hashing = commands.add_parser(
        "hash-password",
        help="hash an agent's console password (asked twice on a terminal, else one line on stdin)",
    )
    hashing.add_argument("--agent", help="print NAME:hash, ready for CONSOLE_AGENTS")
    commands.add_parser("rasa-api-token", help="print the Rasa server's --auth-token (derived from CONSOLE_SECRET)")


def run(args: argparse.Namespace) -> int:
    if args.command == "rasa-api-token":
        print(rasa_api_token(shared_secret(Settings())))
        return 0
    return hash_password_command(args)


def hash_password_command(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("the two passwords differ", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_LENGTH:
        print(f"use at least {MIN_LENGTH} characters", file=sys.stderr)
        return 2
    hashed = hash_password(password)
    print(f"{args.agent}:{hashed}" if args.agent else hashed)
    return 0
