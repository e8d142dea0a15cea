"""The questions nobody answered, on the real assistant: 30 scripted messages it does not understand
(5 kinds) go through the Rasa server, its event broker and the metrics consumer; the console's mining
page groups them into exactly 5 groups; one group made into an entry there, the same messages get
its answer from the next buyers."""

from __future__ import annotations

import uuid

import pytest

from bot.store import MetricsKeys
from tests.e2e.conftest import OWNERS, ConsoleClient, Stack
from tests.integration.mining.scripted import KINDS
from tests.integration.mining.test_mining_page import groups_on

pytestmark = pytest.mark.e2e


def test_thirty_missed_messages_make_five_groups_and_a_group_made_an_entry_is_answered(stack: Stack) -> None:
    client = stack.store.client
    for key in client.scan_iter(f"{MetricsKeys().prefix}:*"):  # only these chats count
        client.delete(key)
    tag = uuid.uuid4().hex[:6]
    assistant = stack.assistant
    for kind, texts in KINDS.items():
        for n, text in enumerate(texts):  # each a new buyer: a second miss in a row would go to a person
            assert assistant.say(f"mine-{tag}-{kind}-{n}", text)
    owner = ConsoleClient(stack.console_url).login("boss", OWNERS["boss"])
    page = owner.get("/mining?days=7")
    assert page.status_code == 200
    groups = groups_on(page.text)
    assert [(n, sorted(texts)) for n, texts in groups] == sorted(
        ((len(texts), sorted(set(texts))) for texts in KINDS.values()), reverse=True
    )

    recycle = sorted(set(KINDS["recycle"]))
    answer = "亲，店里暂时没有旧衣回收服务哦～"
    made = owner.post("/api/mining/entry", {"texts": recycle, "answer": answer, "enabled": True})
    assert made.status_code == 201, made.text
    for n, text in enumerate(recycle):
        assert assistant.say(f"mine-{tag}-after-{n}", text) == [answer], text
    assert [n for n, _ in groups_on(owner.get("/mining?days=7").text)] == [8, 6, 4, 2]
