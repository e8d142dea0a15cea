"""Guard: no line of the evaluation file (../shared/eval) may appear in our data or tests."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.settings import PROJECT_ROOT

EVAL_FILE = PROJECT_ROOT.parent / "shared" / "eval" / "real_buyer_messages.tsv"


def our_texts():
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")) + [PROJECT_ROOT / "tests/nlu/heldout.yml"]:
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in block.get("examples", "").splitlines():
                yield path.name, line.strip()[2:].strip()
    for case in yaml.safe_load((PROJECT_ROOT / "tests/nlu/entities.yml").read_text(encoding="utf-8")):
        yield "entities.yml", case["text"]
    for path in (PROJECT_ROOT / "tests" / "rasa").glob("test_*.yml"):
        for text in re.findall(r"user: \|\n\s+(.*)", path.read_text(encoding="utf-8")):
            yield path.name, re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", text).strip()


@pytest.mark.skipif(not EVAL_FILE.exists(), reason="../shared/eval is not beside the project")
def test_no_evaluation_line_is_in_our_data() -> None:
    evaluation = {line.split("\t")[0].strip() for line in EVAL_FILE.read_text(encoding="utf-8").splitlines()}
    copied = [(name, text) for name, text in our_texts() if text in evaluation]
    assert copied == []
