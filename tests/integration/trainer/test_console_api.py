"""The framework-independent handlers the agent console routes to, against a real Redis."""

from __future__ import annotations

from bot.store import ShopStore
from bot.trainer.console_api import handle
from tests.conftest import marks_of

EVENT = {
    "event": "user",
    "timestamp": 1764136800.25,
    "text": "亲 一米六五的穿啥码",
    "message_id": "msg-1",
    "parse_data": {"intent": {"name": "greet", "confidence": 0.48}, "entities": []},
}


def test_vocabulary_lists_the_domain() -> None:
    response = handle(None, "GET", "vocabulary")
    assert response.status == 200
    assert "ask_size" in response.body["intents"] and "height" in response.body["entities"]


def test_mark_list_and_delete(store: ShopStore, said) -> None:
    said("buyer_lili", EVENT)
    body = {
        "conversation_id": "buyer_lili",
        "event": EVENT,
        "correct_intent": "ask_size",
        "entities": [{"entity": "height", "start": 2, "end": 6, "value": "165"}],
    }
    created = handle(store, "POST", "/corrections/", body=body, user="agent_wang")
    assert created.status == 201, created.body
    assert created.body["replaced"] is False
    correction = created.body["correction"]
    assert (correction["corrected_by"], correction["message_ref"]) == ("agent_wang", "msg-1")
    assert correction["entities"] == [{"entity": "height", "start": 2, "end": 6, "value": "165"}]

    again = handle(store, "POST", "corrections", body={**body, "correct_intent": "inform"}, user="agent_li")
    assert again.status == 201 and again.body["replaced"] is True

    listed = handle(store, "GET", "corrections", query={"conversation_id": "buyer_lili"})
    assert [c["correct_intent"] for c in listed.body["corrections"]] == ["inform"]
    assert handle(store, "GET", "corrections", query={"conversation_id": "other"}).body == {"corrections": []}
    pending = handle(store, "GET", "corrections", query={"pending": "1"})
    assert len(pending.body["corrections"]) == 1  # the text is in no data/nlu file

    gone = handle(store, "DELETE", "corrections", query={"conversation_id": "buyer_lili", "message_ref": "msg-1"})
    assert gone.status == 200
    assert handle(store, "DELETE", "corrections", query={"conversation_id": "buyer_lili", "message_ref": "msg-1"}).status == 404
    assert marks_of(store).all() == []


def test_mark_with_explicit_fields(store: ShopStore, said) -> None:
    said("c1", {"event": "user", "timestamp": 17.5, "text": "能改地址吗", "parse_data": {"intent": {"name": "greet"}}})
    body = {
        "conversation_id": "c1",
        "text": "能改地址吗",
        "event_timestamp": 17.5,
        "correct_intent": "change_address",
        "corrected_by": "trainer",
    }
    created = handle(store, "POST", "corrections", body=body)
    assert created.status == 201
    assert created.body["correction"]["message_ref"] == "ts:17.5"


def test_bad_requests_get_400_with_the_reason(store: ShopStore, said) -> None:
    said("c", EVENT)
    bad_intent = handle(
        store, "POST", "corrections", body={"conversation_id": "c", "event": EVENT, "correct_intent": "nope"}, user="a"
    )
    assert bad_intent.status == 400 and "unknown intent 'nope'" in bad_intent.body["error"]
    no_agent = handle(store, "POST", "corrections", body={"conversation_id": "c", "event": EVENT, "correct_intent": "greet"})
    assert no_agent.status == 400 and "corrected_by" in no_agent.body["error"]
    assert handle(store, "POST", "corrections", body=["x"]).status == 400
    assert handle(store, "PUT", "corrections").status == 404
    assert marks_of(store).all() == []


def test_only_a_message_the_buyer_sent_can_be_marked(store: ShopStore, said) -> None:
    said("buyer_lili", EVENT)

    def mark(conversation_id: str, event: dict):
        return handle(
            store,
            "POST",
            "corrections",
            user="agent_wang",
            body={"conversation_id": conversation_id, "event": event, "correct_intent": "ask_size"},
        )

    never_said = mark("buyer_lili", {**EVENT, "message_id": "msg-404"})
    assert never_said.status == 400 and "msg-404" in never_said.body["error"]
    assert mark("buyer_dawei", EVENT).status == 400  # said, but in another conversation
    assert mark("no-such-chat", EVENT).status == 400
    rewritten = mark("buyer_lili", {**EVENT, "text": "我要退货"})  # the words would become training data
    assert rewritten.status == 400 and "text" in rewritten.body["error"]
    by_fields = handle(
        store,
        "POST",
        "corrections",
        user="agent_wang",
        body={"conversation_id": "buyer_lili", "text": "随便写的", "event_timestamp": 99.0, "correct_intent": "greet"},
    )
    assert by_fields.status == 400
    assert marks_of(store).all() == []
    assert mark("buyer_lili", EVENT).status == 201
