"""The trainer subcommands of `python -m bot` (bot/cli.py registers them):

export-corrections [--out data/nlu/corrections.yml]
story-from-conversation SENDER_ID [--name NAME] [--stories FILE] [--test FILE | --no-test] [--check]
compare-eval OLD.json NEW.json
corrections [--conversation ID] [--pending] [--delete CONVERSATION_ID MESSAGE_REF]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Tuple

from bot.model_files import latest_model
from bot.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from bot.trainer.records import CorrectionRecords

DEFAULT_STORIES = PROJECT_ROOT / "data" / "stories" / "from_conversations.yml"
DEFAULT_TEST = PROJECT_ROOT / "tests" / "rasa" / "test_from_conversations.yml"
COMMANDS = ("export-corrections", "story-from-conversation", "compare-eval", "corrections")


def add_commands(commands: "argparse._SubParsersAction") -> None:
    from bot.trainer.export import DEFAULT_OUT, EVAL_FILE

    export = commands.add_parser(
        "export-corrections", help="write the trainers' intent corrections into data/nlu as Rasa NLU YAML"
    )
    export.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: data/nlu/corrections.yml")
    export.add_argument("--eval-file", type=Path, default=EVAL_FILE, help=argparse.SUPPRESS)

    story = commands.add_parser(
        "story-from-conversation",
        help="add a real conversation from the tracker store as a story and a conversation test",
    )
    story.add_argument("sender_id")
    story.add_argument("--name", help="story name (default: conversation SENDER_ID DATE TIME)")
    story.add_argument("--stories", type=Path, default=DEFAULT_STORIES, help="default: data/stories/from_conversations.yml")
    story.add_argument("--test", type=Path, default=DEFAULT_TEST, help="default: tests/rasa/test_from_conversations.yml")
    story.add_argument("--no-test", action="store_true", help="add the story only")
    story.add_argument(
        "--check",
        action="store_true",
        help="first run the new test with `rasa test core --e2e` and the latest model "
        "(intents, entities and actions); write nothing if it fails",
    )

    compare = commands.add_parser("compare-eval", help="score changes between two `make eval` reports")
    compare.add_argument("old", type=Path)
    compare.add_argument("new", type=Path)

    marks = commands.add_parser("corrections", help="list (or delete) the trainers' intent corrections")
    marks.add_argument("--conversation", help="only this conversation")
    marks.add_argument("--pending", action="store_true", help="only those not yet in data/nlu")
    marks.add_argument("--delete", nargs=2, metavar=("CONVERSATION_ID", "MESSAGE_REF"))


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    if args.command == "compare-eval":
        from bot.trainer.compare import compare_files

        print(compare_files(args.old, args.new))
        return 0
    from bot.bootstrap import command_redis

    with command_redis(settings) as url:
        if args.command == "export-corrections":
            return _export(args, settings, url)
        if args.command == "story-from-conversation":
            return _story(args, settings, url)
        return _corrections(args, settings, url)


def _marks(settings: Settings, url: str) -> "CorrectionRecords":
    from bot.store import connect
    from bot.trainer.records import CorrectionRecords

    return CorrectionRecords(connect(url), settings.shop_id)


def _export(args: argparse.Namespace, settings: Settings, url: str) -> int:
    from bot.trainer.export import RETRAIN_REMINDER, export_corrections

    report = export_corrections(_marks(settings, url).all(), out=args.out, eval_file=args.eval_file)
    print(report.summary())
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if report.written:
        print(RETRAIN_REMINDER)
    return 0


def _corrections(args: argparse.Namespace, settings: Settings, url: str) -> int:
    from bot.trainer.corrections import pending_corrections, unmark

    marks = _marks(settings, url)
    if args.delete:
        deleted = unmark(marks, *args.delete)
        print("deleted" if deleted else "no such correction")
        return 0 if deleted else 1
    found = pending_corrections(marks) if args.pending else marks.all()
    for c in found:
        if args.conversation in (None, c.conversation_id):
            entities = " ".join(f"{e.entity}={e.value}" for e in c.entities)
            print(
                f"{c.conversation_id}\t{c.message_ref}\t{c.text}\t{c.predicted_intent} -> "
                f"{c.correct_intent}\t{entities}\t{c.corrected_by}\t{c.created_at:%Y-%m-%d %H:%M}"
            )
    return 0


def _story(args: argparse.Namespace, settings: Settings, url: str) -> int:
    from bot.trainer.conversations import ConversationNotFound, conversation_events
    from bot.trainer.stories import (
        FILE_HEADER,
        StoryError,
        append_story,
        default_story_name,
        dump_story_item,
        stories_from_events,
    )
    from bot.trainer.vocabulary import Vocabulary

    try:
        events = conversation_events(url, args.sender_id)
        name = args.name or default_story_name(args.sender_id, events, settings.timezone)
        built = stories_from_events(name, events, Vocabulary.from_domain().influencing_slots)
    except (ConversationNotFound, StoryError) as error:
        print(f"no story written: {error}", file=sys.stderr)
        return 2
    if args.check and not args.no_test:
        passed, details = check_test_story(FILE_HEADER + dump_story_item(built["test"], "  "))
        if not passed:
            print(f"the conversation test fails with the latest model; nothing written\n{details}", file=sys.stderr)
            return 1
        print("rasa test core --e2e: the new conversation test passes with the latest model")
    try:
        results = [append_story(args.stories, built["story"])]
        if not args.no_test:
            results.append(append_story(args.test, built["test"]))
    except StoryError as error:
        print(f"not written: {error}", file=sys.stderr)
        return 2
    for result in results:
        print(f"{'added' if result.written else 'already there'}: {result.name!r} in {result.path}")
    _note_corrections(settings, url, args.sender_id)
    print("next: `make validate`, then `make train`; `make test` runs the conversation tests")
    return 0


def _note_corrections(settings: Settings, url: str, sender_id: str) -> None:
    """The story keeps what the model predicted; say so when a trainer corrected a message in it."""
    for c in _marks(settings, url).all(sender_id):
        print(
            f"note: {c.text!r} was marked {c.correct_intent} (the model said {c.predicted_intent}); "
            "the story keeps the model's intent and the bot's actions: edit it if they should differ"
        )


def check_test_story(content: str, model: Optional[Path] = None) -> Tuple[bool, str]:
    """Run one test-story file through `rasa test core --e2e` with the latest (or given) model."""
    model = model or latest_model()
    if model is None:
        return False, "no trained model: run `make train`"
    rasa = str(Path(sys.executable).with_name("rasa"))
    with tempfile.TemporaryDirectory() as directory:
        stories = Path(directory) / "test_story.yml"
        stories.write_text(content, encoding="utf-8")
        out = Path(directory) / "results"
        result = subprocess.run(
            # --e2e: the buyer's text goes through the NLU too, so intents and entities are
            # checked, not only the bot's actions (plain `rasa test core` takes the story's intent).
            [
                rasa,
                "test",
                "core",
                "--e2e",
                "--model",
                str(model),
                "--stories",
                str(stories),
                "--fail-on-prediction-errors",
                "--out",
                str(out),
            ],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        failed = out / "failed_test_stories.yml"
        details = failed.read_text(encoding="utf-8") if failed.exists() else ""
        if result.returncode != 0:
            return False, details or (result.stdout[-3000:] + result.stderr[-3000:])
        return True, ""
