"""Scoring a replayed turn the way the labelled-sessions README says."""

from __future__ import annotations

import json

import pytest

from bot.dialogue_eval.replay import behaviour_of_turn
from bot.dialogue_eval.scoring import ScoredTurn, Verdict, rates, report
from bot.dialogue_eval.sessions import LabelledTurn, SessionFileError, load_sessions


def scored(behaviour: str, expect, harmful=(), context=0) -> ScoredTurn:
    turn = LabelledTurn(buyer="我们自己写的话", expect=list(expect), harmful=list(harmful), context=context)
    return ScoredTurn("s1", 1, turn, behaviour, ("reply",))


def test_verdicts() -> None:
    assert scored("faq:invoice", ["faq:invoice", "handoff"]).verdict is Verdict.appropriate
    assert scored("handoff", ["faq:invoice"]).verdict is Verdict.missed
    assert scored("clarify", ["ack"]).verdict is Verdict.missed
    wrong = scored("answer:bargain", ["faq:price_protection"], harmful=["answer:bargain"])
    assert wrong.verdict is Verdict.wrong and wrong.harmful


def test_rates_and_the_last_line() -> None:
    turns = [
        scored("ack", ["ack"]),
        scored("clarify", ["ack"]),
        scored("answer:bargain", ["ack"], ["answer:bargain"]),
        scored("ack", ["ack"], context=1),
    ]
    overall = rates(turns)
    assert (overall.appropriate, overall.wrong, overall.missed, overall.harmful) == (0.5, 0.25, 0.25, 1)
    assert report(turns)[-1] == "appropriate=0.500 wrong=0.250 harmful=1 missed=0.250 turns=4"


def test_the_behaviour_is_what_our_action_recorded_after_the_latest_message() -> None:
    events = [
        {"event": "user", "text": "a"},
        {"event": "action", "name": "action_bargain"},
        {"event": "slot", "name": "behaviour", "value": "answer:bargain"},
        {"event": "user", "text": "b"},
        {"event": "action", "name": "size_form"},
    ]
    assert behaviour_of_turn(events) == "answer:ask_size"  # a form sets no behaviour slot
    events += [
        {"event": "user", "text": "c"},
        {"event": "action", "name": "action_unclear"},
        {"event": "slot", "name": "behaviour", "value": "handoff"},
    ]
    assert behaviour_of_turn(events) == "handoff"


def test_a_bad_session_file_names_line_and_field(tmp_path) -> None:
    good = {"id": "x-1", "turns": [{"buyer": "在吗", "expect": ["answer:greet"]}]}
    bad = {"id": "x-2", "turns": [{"buyer": "在吗", "expect": []}]}
    path = tmp_path / "sessions.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(SessionFileError, match=r"line 2, field turns.0.expect"):
        load_sessions(path)
