"""Bad REST input gets a clear 400, a huge message is stored capped, a flood gets a polite reply."""

from __future__ import annotations

import pytest
import requests

from bot.channels.gate import RATE_LIMIT
from bot.channels.rest import MAX_MESSAGE_CHARS
from tests.conftest import handoffs_of, outreach_of
from tests.e2e.conftest import Assistant

pytestmark = pytest.mark.e2e


def post(assistant: Assistant, body) -> requests.Response:
    return requests.post(f"{assistant.url}/webhooks/rest/webhook", json=body, timeout=60)


@pytest.mark.parametrize(
    "body, says",
    [
        (["亲 在吗"], "JSON object"),
        ("亲 在吗", "JSON object"),
        ({"sender": "buyer_x", "message": 12}, "message"),
        ({"sender": "buyer_x", "message": ["a"]}, "message"),
        ({"sender": "buyer_x", "message": None}, "message"),
        ({"message": "亲 在吗"}, "sender"),
        ({"sender": "", "message": "亲 在吗"}, "sender"),
        ({"sender": "   ", "message": "亲 在吗"}, "sender"),
        ({"sender": 7, "message": "亲 在吗"}, "sender"),
    ],
)
def test_a_wrongly_typed_body_is_refused_with_a_reason(assistant: Assistant, body, says: str) -> None:
    response = post(assistant, body)
    assert response.status_code == 400
    assert says in response.text


def test_nothing_was_filed_under_the_default_conversation(assistant: Assistant) -> None:
    post(assistant, {"message": "亲 在吗"})
    events = assistant.tracker("default").get("events") or []
    assert not [e for e in events if e.get("event") == "user"]


def test_a_huge_message_is_answered_and_stored_capped(assistant: Assistant, sender: str) -> None:
    huge = "这件包邮吗" + "啊" * 200_000
    response = post(assistant, {"sender": sender, "message": huge, "metadata": {"item_id": "T001"}})
    assert response.status_code == 200 and response.json()
    user = [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"][-1]
    assert len(user["text"]) == MAX_MESSAGE_CHARS
    assert user["metadata"]["original_length"] == len(huge)


def test_a_flood_from_one_sender_gets_a_polite_reply_and_is_recorded(assistant: Assistant, sender: str) -> None:
    replies = [post(assistant, {"sender": sender, "message": f"第{n}条"}).json() for n in range(RATE_LIMIT + 2)]
    assert all(replies)  # never silence
    assert "太快" in replies[-1][0]["text"]
    texts = [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert texts[-1] == f"第{RATE_LIMIT + 1}条"  # kept for the agent


def test_a_retry_with_the_same_message_id_is_answered_once(assistant: Assistant, sender: str) -> None:
    body = {"sender": sender, "message": "这件包邮吗", "metadata": {"item_id": "T001"}, "message_id": "m-1"}
    first = post(assistant, body)
    again = post(assistant, body)  # the client did not see the first reply and sends it again
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and first.json()
    texts = [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert texts.count("这件包邮吗") == 1
    other = post(assistant, {**body, "message_id": "m-2"})  # a new message with the same words
    assert other.status_code == 200
    texts = [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert texts.count("这件包邮吗") == 2
    assert post(assistant, {**body, "message_id": 7}).status_code == 400


def test_numbered_messages_are_handled_in_the_senders_order(assistant: Assistant, sender: str) -> None:
    # Message 2 reaches the server first (the buyer's first message was slower on its way): it
    # waits for message 1 instead of taking its place in the conversation.
    import threading
    import time

    def send(seq: int, text: str, delay: float) -> None:
        time.sleep(delay)
        assert post(assistant, {"sender": sender, "message": text, "seq": seq}).status_code == 200

    second = threading.Thread(target=send, args=(2, "第二句 这件包邮吗", 0))
    first = threading.Thread(target=send, args=(1, "第一句 亲 在吗", 0.3))
    second.start(), first.start()
    second.join(), first.join()
    texts = [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert texts == ["第一句 亲 在吗", "第二句 这件包邮吗"]


@pytest.mark.parametrize("seq", [0, -1, "3", 1.5, True])
def test_a_bad_seq_is_refused_with_a_reason(assistant: Assistant, sender: str, seq) -> None:
    response = post(assistant, {"sender": sender, "message": "亲 在吗", "seq": seq})
    assert response.status_code == 400 and "seq" in response.text


def test_a_buyer_who_types_too_fast_is_answered_normally_once_they_slow_down(stack, assistant: Assistant, sender: str) -> None:
    # 40 messages in 8 seconds: 20 answered by the assistant, 20 by the gate's "slow down". The
    # gate's turns then fill the whole bounded tracker view (more than 2 × 8 buyer turns); the
    # next real question must still be understood, and no handoff counted for it.
    import time
    from concurrent.futures import ThreadPoolExecutor

    from bot.channels.gate import RATE_WINDOW_SECONDS
    from bot.metrics.consumer import MetricsConsumer
    from bot.metrics.fold import ConversationState
    from bot.store import MetricsKeys

    words = ["亲 在吗", "在吗", "你好", "亲"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        sent = []
        for n in range(40):
            body = {"sender": sender, "message": words[n % len(words)], "metadata": {"item_id": "T001"}}
            sent.append(pool.submit(post, assistant, body))
            time.sleep(0.2)
        assert all(f.result().status_code == 200 for f in sent)
    assert sum("太快" in str(f.result().json()) for f in sent) >= 8
    time.sleep(RATE_WINDOW_SECONDS)
    answer = "".join(assistant.say(sender, "这件包邮吗", item_id="T001"))
    assert "包邮" in answer and "没太看明白" not in answer
    assert "包邮" in "".join(assistant.say(sender, "那这件包邮吗", item_id="T001"))  # and the chat goes on
    store = stack.store
    assert handoffs_of(store).handoff(sender) is None
    MetricsConsumer(store).drain()
    numbers = ConversationState.from_hash(store.client.hgetall(MetricsKeys().conversation(sender)))
    assert numbers.counted and not numbers.handed_off and not numbers.last_unclear


def test_unsubscribe_repeats_are_throttled_like_any_message(stack, assistant: Assistant, sender: str) -> None:
    replies = [post(assistant, {"sender": sender, "message": "退订"}).json() for _ in range(RATE_LIMIT + 2)]
    assert "退订" in replies[0][0]["text"]
    assert "太快" in replies[-1][0]["text"]
    assert outreach_of(stack.store).opted_out_at(sender) is not None
