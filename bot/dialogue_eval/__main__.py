"""`make eval-dialogues [SESSIONS=file.jsonl]`: prints the report; its last line is
`appropriate=0.xxx wrong=0.xxx harmful=N missed=0.xxx turns=N`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.dialogue_eval.run import DEFAULT_SESSIONS, evaluate
from bot.dialogue_eval.scoring import rates, report
from bot.dialogue_eval.sessions import SessionFileError
from bot.settings import PROJECT_ROOT

REPORT = PROJECT_ROOT / "reports" / "dialogues" / "report.json"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.dialogue_eval", description=__doc__)
    parser.add_argument("--sessions", type=Path, default=DEFAULT_SESSIONS, help="labelled sessions (JSON lines)")
    parser.add_argument("--worst", type=int, default=25, help="how many of the worst turns to list")
    args = parser.parse_args()
    try:
        turns = evaluate(args.sessions)
    except (SessionFileError, FileNotFoundError) as error:
        print(error, file=sys.stderr)
        return 2
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {
                "sessions": str(args.sessions),
                "overall": rates(turns).__dict__,
                "turns": [
                    {
                        "session": t.session_id,
                        "turn": t.index,
                        "behaviour": t.behaviour,
                        "verdict": t.verdict.value,
                        "harmful": t.harmful,
                        "replies": list(t.replies),
                    }
                    for t in turns
                ],
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    print("\n".join(report(turns, args.worst)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
