"""The real-conversation floor: the labelled sessions replayed through the whole assistant
(make eval-dialogues). The sessions are read from ../shared at run time, never copied here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.dialogue_eval.run import DEFAULT_SESSIONS, evaluate
from bot.dialogue_eval.scoring import rates

pytestmark = pytest.mark.e2e

FLOOR = json.loads((Path(__file__).parent / "dialogue_floor.json").read_text(encoding="utf-8"))


def test_real_sessions_stay_above_the_floor() -> None:
    assert DEFAULT_SESSIONS.exists(), f"{DEFAULT_SESSIONS} is missing: ../shared must sit beside the project"
    overall = rates(evaluate(DEFAULT_SESSIONS))
    print(overall.line())
    assert overall.turns > 300
    assert overall.harmful <= FLOOR["harmful_at_most"], overall.line()
    assert overall.wrong <= FLOOR["wrong_at_most"], overall.line()
    assert overall.appropriate >= FLOOR["appropriate_at_least"], overall.line()
