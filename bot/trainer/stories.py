"""A real conversation (tracker events) -> a training story and a Rasa conversation test.

Which events make the story: those of the conversation's latest session after its last restart
(Restarted and SessionStarted start afresh; UserUtteranceReverted and ActionReverted undo as Rasa
does), keeping

- buyer messages: `intent:` (+ `entities:`) in the training story; `user:` text with inline entity
  annotations + `intent:` in the test;
- bot actions, except action_listen, action_session_start and action_unlikely_intent;
- form events: `active_loop:`, and `slot_was_set:` for requested_slot and for slots that influence
  the conversation (domain.yml; none but requested_slot today).

BotUttered (the reply text) and everything else is left out. The YAML comes from Rasa's own
YAMLStoryWriter; for tests one method is replaced, because Rasa's writer would put numeric entity
values in the annotation (`"value": 165`) while `rasa test` compares them as strings, and it would
place entities by offsets that refer to the normalised text (bot.nlu.components.ChineseNormalizer).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Sequence

import yaml

from bot.trainer.examples import annotate

SKIPPED_ACTIONS = frozenset({"action_listen", "action_session_start", "action_unlikely_intent"})
FILE_HEADER = 'version: "3.1"\n\nstories:\n'
_STORY_ITEM = re.compile(r"^(\s*)- story:", re.MULTILINE)
_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.MULTILINE)


class StoryError(ValueError):
    """The conversation cannot become a story, or the target file cannot take it."""


def current_events(events: Sequence[Any]) -> List[Any]:
    """The events of the latest session after its last restart, with reverted events undone."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
        UserUttered,
    )

    def undo_till(kind: type, done: List[Any]) -> None:
        while done:
            if isinstance(done.pop(), kind):
                return

    done: List[Any] = []
    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            done = []
        elif isinstance(event, UserUtteranceReverted):
            undo_till(UserUttered, done)
            undo_till(ActionExecuted, done)
        elif isinstance(event, ActionReverted):
            undo_till(ActionExecuted, done)
        else:
            done.append(event)
    return done


def story_events(events: Sequence[Any], influencing_slots: FrozenSet[str]) -> List[Any]:
    """The events a story keeps (see the module docstring), in order."""
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered

    kept = []
    for event in current_events(events):
        if isinstance(event, UserUttered):
            if not event.intent_name:
                raise StoryError(f"the buyer message {event.text!r} has no intent")
            kept.append(event)
        elif isinstance(event, ActionExecuted):
            if event.action_name and event.action_name not in SKIPPED_ACTIONS:
                kept.append(event)
        elif isinstance(event, ActiveLoop):
            kept.append(event)
        elif isinstance(event, SlotSet) and event.key in influencing_slots:
            kept.append(event)
    if not any(isinstance(e, UserUttered) for e in kept):
        raise StoryError("the conversation has no buyer message since its last restart or session start")
    return kept


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def test_message(event: Any) -> str:
    """The `user:` line of a conversation test: the text with its entities annotated inline.

    Entity offsets refer to the text the NLU saw (parse_data["text"], normalised). The buyer's own
    text is used when normalising maps it character for character (full-width digits, 繁体); else
    the normalised text, so the offsets `rasa test` compares are the ones the model produces
    (normalising twice changes nothing).
    """
    entities = [e for e in event.entities if "start" in e and "end" in e]
    if not entities:
        return event.text
    seen = (event.parse_data or {}).get("text") or event.text
    text = event.text if _aligned(event.text, seen) else seen
    spans = [(e["entity"], _as_text(e.get("value", seen[e["start"] : e["end"]])), e["start"], e["end"]) for e in entities]
    return annotate(text, spans)


def _aligned(original: str, seen: str) -> bool:
    """Whether character i of `seen` came from character i of `original`, for every i."""
    if len(original) != len(seen):
        return False
    from bot.nlu.normalize import normalize_with_offsets

    normalized = normalize_with_offsets(original)
    return normalized.text == seen and normalized.offsets == tuple(range(len(seen)))


def _writer(is_test_story: bool) -> Any:
    from rasa.shared.core.training_data.story_writer.yaml_story_writer import YAMLStoryWriter
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import LiteralScalarString

    class TestStoryWriter(YAMLStoryWriter):
        @staticmethod
        def process_user_utterance(user_utterance: Any, is_test_story: bool = False) -> CommentedMap:
            result = CommentedMap()
            result["user"] = LiteralScalarString(test_message(user_utterance) + "\n")
            result["intent"] = user_utterance.intent_name
            return result

    return TestStoryWriter() if is_test_story else YAMLStoryWriter()


def story_dict(name: str, events: Sequence[Any], is_test_story: bool) -> Dict[str, Any]:
    """One story as Rasa's writer renders it: {"story": name, "steps": [...]}."""
    from rasa.shared.core.training_data.structures import StoryStep

    step = StoryStep(block_name=name, events=list(events))
    return _plain(_writer(is_test_story).stories_to_yaml([step], is_test_story=is_test_story)["stories"][0])


def _plain(value: Any) -> Any:
    """OrderedDicts (which ruamel would write as `!!omap`) as plain dicts; scalars untouched."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def dump_story_item(story: Dict[str, Any], indent: str) -> str:
    """The story as one item of a `stories:` list, each line prefixed by `indent`."""
    from ruamel.yaml import YAML

    dumper = YAML()
    dumper.width = 4096  # type: ignore[assignment]  # ruamel.yaml declares width as None
    if indent:
        dumper.indent(mapping=2, sequence=4, offset=2)  # the layout of data/stories/*.yml
    else:
        dumper.indent(mapping=2, sequence=2, offset=0)  # Rasa's writer's layout
    dumper.representer.add_representer(type(None), lambda self, _: self.represent_scalar("tag:yaml.org,2002:null", "null"))
    stream = io.StringIO()
    dumper.dump([story], stream)
    # With an offset, ruamel puts the top-level sequence at "  - "; move it to `indent`.
    strip = 2 if indent else 0
    lines = stream.getvalue().splitlines()
    return "".join(f"{indent}{line[strip:]}\n" if line.strip() else "\n" for line in lines)


@dataclass(frozen=True)
class Appended:
    path: Path
    name: str
    written: bool  # False: the same story was already there


def append_story(path: Path, story: Dict[str, Any]) -> Appended:
    """Append one story to a story or test file (created when absent), text only, so comments and
    layout of what is there stay. A story of the same name is never added twice: identical, nothing
    happens; different, StoryError."""
    name = story["story"]
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    content = yaml.safe_load(text) if text.strip() else None
    if content is None:
        text, content = FILE_HEADER, {"stories": []}
    if not isinstance(content, dict) or "stories" not in content:
        raise StoryError(f"{path} has no `stories:` list")
    keys = _TOP_LEVEL_KEY.findall(text)
    if keys[-1] != "stories":
        raise StoryError(f"{path}: `stories:` is not the last section ({keys[-1]!r} follows); use another file")
    item = dump_story_item(story, indent=(_STORY_ITEM.findall(text) or ["  "])[0])
    for existing in content["stories"] or []:
        if isinstance(existing, dict) and existing.get("story") == name:
            if existing == yaml.safe_load(item)[0]:
                return Appended(path, name, written=False)
            raise StoryError(f"{path} already has a different story named {name!r}; choose another --name")
    if not text.endswith("\n"):
        text += "\n"
    if content["stories"]:
        text += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + item, encoding="utf-8")
    return Appended(path, name, written=True)


def default_story_name(sender_id: str, events: Sequence[Any], timezone_name: str = "Asia/Shanghai") -> str:
    """`conversation buyer_xiaomei 2026-11-26 14:05`: the buyer and the time of their first message."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from rasa.shared.core.events import UserUttered

    first = next((e.timestamp for e in current_events(events) if isinstance(e, UserUttered)), None)
    if first is None:
        return f"conversation {sender_id}"
    return f"conversation {sender_id} {datetime.fromtimestamp(first, ZoneInfo(timezone_name)):%Y-%m-%d %H:%M}"


def stories_from_events(name: str, events: Sequence[Any], influencing_slots: FrozenSet[str]) -> Dict[str, Dict[str, Any]]:
    """{"story": training story, "test": conversation test} for the conversation's events."""
    kept = story_events(events, influencing_slots)
    return {"story": story_dict(name, kept, False), "test": story_dict(name, kept, True)}
