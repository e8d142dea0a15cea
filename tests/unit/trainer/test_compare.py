"""compare-eval: per-set macro-F1 and per-intent F1 changes between two `make eval` reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.trainer.compare import compare


def report(model: str, macro: float, size_f1: float, stock_f1: float, entity_f1: float) -> dict:
    return {
        "model": model,
        "intents": {
            "heldout": {
                "macro_f1": macro,
                "accuracy": macro + 0.05,
                "per_intent": {"ask_size": {"f1": size_f1}, "ask_stock": {"f1": stock_f1}, "greet": {"f1": 1.0}},
            },
        },
        "entities": {"f1": entity_f1},
    }


def test_deltas() -> None:
    result = compare(report("old.tar.gz", 0.80, 0.70, 0.90, 0.95), report("new.tar.gz", 0.85, 0.90, 0.85, 0.95))
    [heldout] = result.sets
    assert heldout.macro_f1.change == 0.05
    assert [(d.name, d.change) for d in heldout.per_intent_f1] == [("ask_size", 0.2), ("ask_stock", -0.05)]
    assert result.entity_f1.change == 0.0


def test_command_prints_the_change(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    old, new = tmp_path / "report.previous.json", tmp_path / "report.json"
    old.write_text(json.dumps(report("a", 0.80, 0.70, 0.90, 0.9)), encoding="utf-8")
    new_report = report("b", 0.85, 0.90, 0.90, 0.9)
    new_report["intents"]["real_buyers"] = {"macro_f1": 0.6, "accuracy": 0.7, "per_intent": {"bargain": {"f1": 0.8}}}
    new.write_text(json.dumps(new_report), encoding="utf-8")
    assert main(["compare-eval", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "scores: a -> b" in out
    assert "macro-F1           0.800 -> 0.850  +0.050" in out
    assert "ask_size           0.700 -> 0.900  +0.200" in out
    assert "ask_stock" not in out  # unchanged intents are not listed
    assert "real_buyers:\n  macro-F1             -   -> 0.600" in out
    assert "bargain              -   -> 0.800" in out
