"""`python -m bot compare-eval OLD.json NEW.json`: what a retrain changed in the `make eval` scores.

Prints, per intent set (heldout, real_buyers), macro-F1 and accuracy before -> after, then each
intent whose F1 moved, largest change first, and the entity F1. `make eval` keeps the report it
replaces as reports/nlu/report.previous.json and runs this on the two.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple


@dataclass(frozen=True)
class Delta:
    name: str
    old: Optional[float]
    new: Optional[float]

    @property
    def change(self) -> Optional[float]:
        return None if self.old is None or self.new is None else round(self.new - self.old, 4)

    def render(self, width: int = 18) -> str:
        def number(value: Optional[float]) -> str:
            return "  -  " if value is None else f"{value:.3f}"

        change = "" if self.change is None else f"  {self.change:+.3f}"
        return f"{self.name:{width}s} {number(self.old)} -> {number(self.new)}{change}"


@dataclass(frozen=True)
class SetComparison:
    name: str
    macro_f1: Delta
    accuracy: Delta
    per_intent_f1: Tuple[Delta, ...]  # only intents whose F1 changed (or that are new/gone)


@dataclass(frozen=True)
class Comparison:
    old_model: str
    new_model: str
    sets: Tuple[SetComparison, ...]
    entity_f1: Delta


def _intent_f1(report: dict, name: str) -> Dict[str, float]:
    per_intent = report.get("intents", {}).get(name, {}).get("per_intent", {})
    return {intent: scores.get("f1") for intent, scores in per_intent.items()}


def compare(old: dict, new: dict) -> Comparison:
    sets: List[SetComparison] = []
    names = list(new.get("intents", {})) + [n for n in old.get("intents", {}) if n not in new.get("intents", {})]
    for name in names:
        before, after = old.get("intents", {}).get(name, {}), new.get("intents", {}).get(name, {})
        old_f1, new_f1 = _intent_f1(old, name), _intent_f1(new, name)
        moved = [
            Delta(intent, old_f1.get(intent), new_f1.get(intent))
            for intent in sorted(set(old_f1) | set(new_f1))
            if old_f1.get(intent) != new_f1.get(intent)
        ]
        moved.sort(key=lambda d: (-(abs(d.change) if d.change is not None else 2.0), d.name))
        sets.append(
            SetComparison(
                name,
                Delta("macro-F1", before.get("macro_f1"), after.get("macro_f1")),
                Delta("accuracy", before.get("accuracy"), after.get("accuracy")),
                tuple(moved),
            )
        )
    return Comparison(
        old.get("model", "?"),
        new.get("model", "?"),
        tuple(sets),
        Delta("entity F1", old.get("entities", {}).get("f1"), new.get("entities", {}).get("f1")),
    )


def render(comparison: Comparison) -> str:
    lines = [f"scores: {comparison.old_model} -> {comparison.new_model}"]
    for result in comparison.sets:
        lines.append(f"{result.name}:")
        lines.append("  " + result.macro_f1.render())
        lines.append("  " + result.accuracy.render())
        if result.per_intent_f1:
            lines.append("  per-intent F1 that changed:")
            lines += ["    " + delta.render() for delta in result.per_intent_f1]
        else:
            lines.append("  no per-intent F1 changed")
    lines.append(comparison.entity_f1.render())
    return "\n".join(lines)


def compare_files(old: Path, new: Path) -> str:
    read = lambda path: json.loads(Path(path).read_text(encoding="utf-8"))  # noqa: E731
    return render(compare(read(old), read(new)))
