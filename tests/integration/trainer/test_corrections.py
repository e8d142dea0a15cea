"""Corrections: validation against the domain, and the round trip through a real Redis."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.store import ShopStore
from bot.trainer.corrections import (
    CorrectionError,
    build_correction,
    mark_event,
    mark_message,
    pending_corrections,
    unmark,
)
from tests.conftest import marks_of

T0 = datetime(2026, 11, 26, 6, 0, tzinfo=timezone.utc)


def mark(store: ShopStore, **changes) -> object:
    fields = dict(
        conversation_id="buyer_xiaomei",
        message_id="m1",
        text="一米七五穿几码",
        correct_intent="ask_size",
        corrected_by="agent_wang",
        predicted_intent="ask_product_info",
        predicted_confidence=0.41,
        entities=[{"entity": "height", "start": 0, "end": 4, "value": 175}],
        now=T0,
    )
    fields.update(changes)
    return mark_message(marks_of(store), **fields)


def test_round_trip_in_redis(store: ShopStore) -> None:
    stored = mark(store)
    assert marks_of(store).all() == [stored]
    assert stored.entities[0].value == "175"
    assert marks_of(store).get("buyer_xiaomei", "m1") == stored
    assert stored.created_at == T0


def test_marking_the_same_message_again_replaces_the_mark(store: ShopStore) -> None:
    mark(store)
    again = mark(store, correct_intent="inform", entities=[], now=T0 + timedelta(minutes=1))
    assert marks_of(store).all() == [again]
    assert not marks_of(store).add(again.copy(update={"message_id": "m2"}))  # a new message: added
    assert marks_of(store).add(again)  # the same message: replaced
    assert [c.message_ref for c in marks_of(store).all()] == ["m1", "m2"]


def test_list_is_ordered_and_filters_by_conversation(store: ShopStore) -> None:
    mark(store, conversation_id="b", message_id="x", now=T0 + timedelta(hours=1))
    mark(store, conversation_id="a", message_id="y", now=T0)
    assert [c.conversation_id for c in marks_of(store).all()] == ["a", "b"]
    assert [c.message_ref for c in marks_of(store).all("b")] == ["x"]


def test_delete(store: ShopStore) -> None:
    mark(store)
    assert unmark(marks_of(store), "buyer_xiaomei", "m1")
    assert not unmark(marks_of(store), "buyer_xiaomei", "m1")
    assert marks_of(store).all() == []


def test_a_message_without_id_is_identified_by_its_timestamp(store: ShopStore) -> None:
    stored = mark(store, message_id=None, event_timestamp=1764136800.5)
    assert stored.message_ref == "ts:1764136800.5"
    assert marks_of(store).get("buyer_xiaomei", "ts:1764136800.5") == stored


def test_value_defaults_to_the_covered_text() -> None:
    correction = build_correction(
        conversation_id="c",
        message_id="m",
        text="有白色吗",
        correct_intent="ask_stock",
        corrected_by="t",
        entities=[{"entity": "colour", "start": 1, "end": 3}],
    )
    assert correction.entities[0].value == "白色"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"correct_intent": "ask_price"}, "unknown intent 'ask_price'; the domain's intents are: affirm,"),
        ({"entities": [{"entity": "shoe_size", "start": 0, "end": 4}]}, "unknown entity 'shoe_size'"),
        ({"entities": [{"entity": "height", "start": 3, "end": 9}]}, "outside the text"),
        ({"entities": [{"entity": "height", "start": 2, "end": 2}]}, "start must be before end"),
        (
            {"entities": [{"entity": "height", "start": 0, "end": 4}, {"entity": "size", "start": 3, "end": 5}]},
            "overlap",
        ),
        ({"message_id": None}, "give the message_id or the event_timestamp"),
        ({"text": "  "}, "the buyer's text is empty"),
        ({"corrected_by": ""}, "corrected_by"),
    ],
)
def test_invalid_marks_are_refused_with_a_clear_error(store: ShopStore, changes: dict, message: str) -> None:
    with pytest.raises(CorrectionError, match=message.replace("(", r"\(")) as error:
        mark(store, **changes)
    assert message in str(error.value)
    assert marks_of(store).all() == []


def test_mark_event_takes_a_tracker_user_event(store: ShopStore) -> None:
    event = {
        "event": "user",
        "timestamp": 1764136800.25,
        "text": "拍了能改地址吗",
        "message_id": "abc123",
        "parse_data": {"intent": {"name": "return_exchange", "confidence": 0.52}, "entities": []},
    }
    stored = mark_event(marks_of(store), "buyer_ahua", event, correct_intent="change_address", corrected_by="agent_li")
    assert (stored.text, stored.message_id, stored.event_timestamp) == ("拍了能改地址吗", "abc123", 1764136800.25)
    assert (stored.predicted_intent, stored.predicted_confidence) == ("return_exchange", 0.52)
    with pytest.raises(CorrectionError, match="only buyer messages"):
        mark_event(marks_of(store), "buyer_ahua", {"event": "bot", "text": "x"}, correct_intent="greet", corrected_by="a")


def test_pending_means_not_yet_an_example_of_its_intent(store: ShopStore, tmp_path: Path) -> None:
    (tmp_path / "sizing.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_size\n  examples: |\n'
        '    - [一米七五]{"entity": "height", "value": "175"}穿几码\n',
        encoding="utf-8",
    )
    mark(store)  # exported already (same text, same intent)
    other = mark(store, message_id="m2", text="有没有大一码的", correct_intent="ask_stock", entities=[])
    assert pending_corrections(marks_of(store), tmp_path) == [other]
