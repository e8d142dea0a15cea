"""`rasa run` with its HTTP API token taken from the environment (RASA_API_TOKEN).

Rasa reads the token only from `--auth-token`, and a command line is visible to every user of
the machine (`ps`). Started as `python -m bot.rasa_server ARGS…`, the token is added to Rasa's
arguments inside this process: /proc shows only what this process was started with.
"""

from __future__ import annotations

import os
import sys

TOKEN_VARIABLE = "RASA_API_TOKEN"


def main() -> None:
    token = os.environ.pop(TOKEN_VARIABLE, "")
    sys.argv = ["rasa", "run", *sys.argv[1:], *(["--auth-token", token] if token else [])]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
