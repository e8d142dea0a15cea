"""The NLU training examples already in data/nlu/, and Rasa's inline entity annotation.

Texts are compared by `plain_key`: entity annotations removed, line breaks made spaces, leading
and trailing whitespace stripped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import yaml

from bot.settings import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "data" / "nlu"


def one_line(text: str) -> str:
    """A Rasa example is one line: line breaks in a buyer message become spaces."""
    return " ".join(text.splitlines()).strip()


def plain_key(text: str) -> str:
    """The comparable form of a text: one line, stripped."""
    return one_line(text)


def strip_annotations(example: str) -> str:
    """`[一米七五]{"entity": "height", "value": "175"}穿几码` -> `一米七五穿几码` (Rasa's own parser)."""
    from rasa.shared.nlu.training_data.entities_parser import replace_entities

    return replace_entities(example)


def annotate(text: str, entities: Sequence[Tuple[str, str, int, int]]) -> str:
    """Rasa's inline syntax, `[text]{"entity": "height", "value": "175"}`, for (entity, value,
    start, end) spans of `text` (non-overlapping)."""
    parts: List[str] = []
    position = 0
    for entity, value, start, end in sorted(entities, key=lambda e: e[2]):
        parts.append(text[position:start])
        attributes = json.dumps({"entity": entity, "value": value}, ensure_ascii=False)
        parts.append(f"[{text[start:end]}]{attributes}")
        position = end
    parts.append(text[position:])
    return "".join(parts)


def parse_annotated(example: str) -> Tuple[str, List[Tuple[str, str, int, int]]]:
    """What Rasa reads from an annotated example: the plain text and (entity, value, start, end)."""
    from rasa.shared.nlu.training_data.entities_parser import parse_training_example

    message = parse_training_example(example)
    entities = [(e["entity"], str(e.get("value")), e["start"], e["end"]) for e in message.get("entities", [])]
    return message.get("text"), sorted(entities, key=lambda e: e[2])


def example_lines(examples: object) -> Iterator[str]:
    """The examples of one `nlu:` block, as written (annotations kept).

    Rasa accepts `examples: |` with `- text` lines, or a list of `{text: ...}` mappings.
    """
    if isinstance(examples, str):
        for line in examples.splitlines():
            line = line.strip()
            if line.startswith("-"):
                text = line[1:].strip()
                if text:
                    yield text
    elif isinstance(examples, list):
        for item in examples:
            if isinstance(item, dict) and item.get("text"):
                yield str(item["text"]).strip()


@dataclass(frozen=True)
class Place:
    """Where a text is a training example: file (relative to the project when inside it), intent."""

    file: str
    intent: str


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


@dataclass
class ExampleIndex:
    """plain_key(text) -> every place the text is an intent example."""

    places_by_text: Dict[str, List[Place]] = field(default_factory=dict)

    @classmethod
    def read(cls, directory: Path = NLU_DIR, extra_files: Sequence[Path] = ()) -> "ExampleIndex":
        index = cls()
        files = sorted(p for pattern in ("*.yml", "*.yaml") for p in Path(directory).rglob(pattern))
        for path in files + [p for p in extra_files if p.exists() and p not in files]:
            index.add_file(path)
        return index

    def add_file(self, path: Path) -> None:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        blocks = (content.get("nlu") or []) if isinstance(content, dict) else []
        for block in blocks:
            if isinstance(block, dict) and block.get("intent"):
                for example in example_lines(block.get("examples")):
                    self.add(plain_key(strip_annotations(example)), Place(display_path(path), block["intent"]))

    def add(self, text: str, place: Place) -> None:
        places = self.places_by_text.setdefault(text, [])
        if place not in places:
            places.append(place)

    def places(self, text: str) -> List[Place]:
        return self.places_by_text.get(text, [])


def read_eval_texts(path: Optional[Path]) -> frozenset:
    """The texts (first column) of the evaluation file; empty when it is not there."""
    if path is None or not path.exists():
        return frozenset()
    return frozenset(plain_key(line.split("\t")[0]) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
