"""`python -m bot export-corrections`: trainers' marks -> Rasa NLU training examples.

The output file (data/nlu/corrections.yml by default) is merged, never overwritten: examples
already in it stay, new ones are added, each intent block sorted. A correction is NOT exported, with
a warning that names the file and intent, when its text is

- already a training example of ANOTHER intent anywhere under data/nlu/ (a contradiction the
  trainer must resolve by hand), or
- a line of the evaluation file (../shared/eval/real_buyer_messages.tsv): that file measures the
  model and must never become training data (tests/unit/test_training_data_is_ours.py).

A text that already is an example of the same intent is skipped quietly (reported, no warning).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from bot.settings import PROJECT_ROOT
from bot.trainer.corrections import Correction
from bot.trainer.examples import (
    NLU_DIR,
    ExampleIndex,
    Place,
    annotate,
    display_path,
    example_lines,
    one_line,
    parse_annotated,
    plain_key,
    read_eval_texts,
    strip_annotations,
)
from bot.trainer.vocabulary import Vocabulary

DEFAULT_OUT = NLU_DIR / "corrections.yml"
EVAL_FILE = PROJECT_ROOT.parent / "shared" / "eval" / "real_buyer_messages.tsv"
HEADER = (
    "# Buyer messages that trainers marked with their correct intent, exported by\n"
    "# `python -m bot export-corrections` (make export-corrections). Each export merges into this\n"
    "# file: examples added or edited by hand stay; comments other than this one do not.\n"
)
RETRAIN_REMINDER = (
    "next: `make train` then `make eval`; make eval keeps the previous report as "
    "reports/nlu/report.previous.json and prints the change in scores "
    "(or: python -m bot compare-eval reports/nlu/report.previous.json reports/nlu/report.json)"
)


@dataclass(frozen=True)
class Exported:
    intent: str
    text: str
    example: str  # the line as written, with entity annotations


@dataclass(frozen=True)
class Skipped:
    intent: str
    text: str
    places: Tuple[Place, ...]


@dataclass(frozen=True)
class ExportReport:
    out: Path
    added: Tuple[Exported, ...]
    already_present: Tuple[Skipped, ...]
    warnings: Tuple[str, ...]

    @property
    def written(self) -> bool:
        return bool(self.added)

    def summary(self) -> str:
        lines = [
            f"{len(self.added)} example(s) added to {display_path(self.out)}, "
            f"{len(self.already_present)} already in the training data, "
            f"{len(self.warnings)} warning(s)"
        ]
        lines += [f"  + {e.intent}: {e.example}" for e in self.added]
        lines += [f"  = {s.intent}: {s.text} (in {', '.join(p.file for p in s.places)})" for s in self.already_present]
        return "\n".join(lines)


class _LiteralDumper(yaml.SafeDumper):
    """Multi-line strings as `|` blocks, the way Rasa's own files write `examples:`."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _represent_str)


@dataclass
class _OutFile:
    """The current content of the output file: intent -> {plain text: example line}, other blocks."""

    examples: Dict[str, Dict[str, str]]
    other_blocks: List[dict]

    @classmethod
    def read(cls, path: Path) -> "_OutFile":
        examples: Dict[str, Dict[str, str]] = defaultdict(dict)
        others: List[dict] = []
        content = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        for block in (content or {}).get("nlu") or []:
            if isinstance(block, dict) and block.get("intent"):
                for example in example_lines(block.get("examples")):
                    examples[block["intent"]].setdefault(plain_key(strip_annotations(example)), example)
            else:
                others.append(block)
        return cls(examples, others)

    def render(self) -> str:
        blocks: List[dict] = [
            {
                "intent": intent,
                "examples": "".join(f"- {self.examples[intent][key]}\n" for key in sorted(self.examples[intent])),
            }
            for intent in sorted(self.examples)
            if self.examples[intent]
        ] + self.other_blocks
        body = yaml.dump({"nlu": blocks}, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False, width=4096)
        return f'{HEADER}version: "3.1"\n\n{body}'


def _example_line(correction: Correction) -> Tuple[Optional[str], str]:
    """The annotated one-line example, or None and why Rasa would read it differently."""
    spans = [(e.entity, e.value or "", e.start, e.end) for e in correction.entities]
    for entity, _, start, end in spans:
        covered = correction.text[start:end]
        if covered != one_line(covered) or covered != covered.strip():
            return None, f"entity {entity!r} covers a line break or surrounding spaces ({covered!r})"
    line = one_line(annotate(correction.text, spans))
    try:
        plain, found = parse_annotated(line)
    except Exception as error:  # Rasa raises several exception types for malformed annotations
        return None, f"Rasa cannot read {line!r}: {error}"
    expected = [(entity, value, correction.text[start:end]) for entity, value, start, end in spans]
    read_back = [(entity, value, plain[start:end]) for entity, value, start, end in found]
    if plain != plain_key(correction.text) or read_back != expected:
        return None, f"Rasa would read {line!r} as {plain!r} with {read_back}, not as marked"
    return line, ""


def _latest_per_text(corrections: Iterable[Correction], warnings: List[str]) -> List[Correction]:
    by_text: Dict[str, List[Correction]] = defaultdict(list)
    for correction in corrections:
        by_text[plain_key(correction.text)].append(correction)
    chosen = []
    for text in sorted(by_text):
        marks = sorted(by_text[text], key=lambda c: (c.created_at, c.conversation_id, c.message_ref))
        latest = marks[-1]
        others = sorted({c.correct_intent for c in marks} - {latest.correct_intent})
        if others:
            warnings.append(
                f"{text!r} was marked as {', '.join(others)} and as {latest.correct_intent}; "
                f"the latest mark ({latest.correct_intent}, by {latest.corrected_by}, "
                f"conversation {latest.conversation_id}) is used"
            )
        chosen.append(latest)
    return chosen


def export_corrections(
    corrections: Iterable[Correction],
    out: Path = DEFAULT_OUT,
    nlu_dir: Path = NLU_DIR,
    eval_file: Optional[Path] = EVAL_FILE,
    vocabulary: Optional[Vocabulary] = None,
) -> ExportReport:
    """Merge the corrections into `out`; the file is only written when something is added."""
    vocabulary = vocabulary or Vocabulary.from_domain()
    index = ExampleIndex.read(nlu_dir, extra_files=[out])
    evaluation = read_eval_texts(eval_file)
    target = _OutFile.read(out)
    warnings: List[str] = []
    added: List[Exported] = []
    present: List[Skipped] = []

    for correction in _latest_per_text(corrections, warnings):
        text, intent = plain_key(correction.text), correction.correct_intent
        where = f"{text!r} ({intent}, conversation {correction.conversation_id})"
        if intent not in vocabulary.intents:
            warnings.append(f"{where}: intent {intent!r} is not in the domain; not exported")
            continue
        unknown = sorted({e.entity for e in correction.entities} - vocabulary.entities)
        if unknown:
            warnings.append(f"{where}: entities {unknown} are not in the domain; not exported")
            continue
        if eval_file is not None and text in evaluation:  # evaluation is empty without the file
            warnings.append(
                f"{where}: identical to a line of the evaluation file {display_path(eval_file)} "
                "(it must never be training data); not exported"
            )
            continue
        places = index.places(text)
        conflicts = [p for p in places if p.intent != intent]
        if conflicts:
            warnings.append(
                f"{where}: already a training example of another intent: "
                + ", ".join(f"{p.intent} in {p.file}" for p in conflicts)
                + "; not exported (remove it there if the mark is right)"
            )
            continue
        if places:
            present.append(Skipped(intent, text, tuple(places)))
            continue
        line, problem = _example_line(correction)
        if line is None:
            warnings.append(f"{where}: {problem}; not exported")
            continue
        target.examples.setdefault(intent, {})[text] = line
        index.add(text, Place(display_path(out), intent))
        added.append(Exported(intent, text, line))

    if added:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(target.render(), encoding="utf-8")
    return ExportReport(out, tuple(added), tuple(present), tuple(warnings))
