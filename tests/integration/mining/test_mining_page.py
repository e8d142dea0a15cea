"""The questions nobody answered, against a real Redis: 30 scripted missed messages go through the
real event broker and metrics consumer, the console's /mining page groups them by meaning (the real
e5 encoder), and a group turned into a knowledge entry is then answered by the assistant's own
action (the real matching over the entries in Redis)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any, Dict, List, Optional, Tuple

from aiohttp.test_utils import TestClient
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.chat import ActionUnclear
from bot.behaviours import ANSWER_SOURCE_SLOT
from bot.console.auth import AgentDirectory
from bot.context import Services
from bot.knowledge.records import KnowledgeRecords
from bot.metrics.broker import RedisStreamEventBroker
from bot.models import KnowledgeEntry, ShopData
from bot.store import ShopStore
from tests.conftest import marks_of
from tests.integration.console.test_app import API, HASHES, running
from tests.integration.mining.scripted import KINDS

GROUP = re.compile(
    r"""<section class="card mined-group" data-group="(\w+)" data-texts='([^']*)'>\s*<h2><span class="count">(\d+)</span>"""
)


def publish_missed(store: ShopStore) -> None:
    """Each scripted message as the Rasa server publishes a turn it asked back on (every third
    one handed off instead), one buyer per kind, a few seconds apart."""
    now = time.time() - 3600
    events: List[Dict[str, Any]] = []
    for n, (kind, texts) in enumerate(KINDS.items()):
        sender = f"miner_{kind}"
        events.append({"sender_id": sender, "event": "action", "name": "action_session_start", "timestamp": now})
        for i, text in enumerate(texts):
            t = now + 10 * (n * 20 + i)
            behaviour = "handoff" if i % 3 == 2 else "clarify"
            events += [
                {
                    "sender_id": sender,
                    "event": "user",
                    "text": text,
                    "timestamp": t,
                    "message_id": f"{kind}-{i}",
                    "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.3}},
                },
                {"sender_id": sender, "event": "action", "name": "action_unclear", "timestamp": t + 0.1},
                {"sender_id": sender, "event": "slot", "name": "behaviour", "value": behaviour, "timestamp": t + 0.1},
                {"sender_id": sender, "event": "bot", "text": "亲，没太明白", "timestamp": t + 0.2},
                {"sender_id": sender, "event": "action", "name": "action_listen", "timestamp": t + 0.3},
            ]
    RedisStreamEventBroker(store.client).publish_many(events)


def entry_of(store: ShopStore, key: str) -> Optional[KnowledgeEntry]:
    return next((e for e in KnowledgeRecords(store.client, store.shop_id).entries() if e.key == key), None)


def groups_on(html: str) -> List[Tuple[int, List[str]]]:
    return [(int(count), json.loads(texts)) for _, texts, count in GROUP.findall(html)]


def asked_back_on(services: Services, text: str) -> Tuple[List[str], Dict[str, Any]]:
    """action_unclear on a message the classifier was not sure of (as Rasa runs it)."""
    message = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.3}, "entities": [], "metadata": {}}
    tracker = Tracker(
        "buyer_new", {}, message, [{"event": "user", "text": text, "timestamp": time.time()}], False, None, {}, "action_listen"
    )
    dispatcher = CollectingDispatcher()
    events = ActionUnclear(services).run(dispatcher, tracker, {})
    return [m["text"] for m in dispatcher.messages], {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_thirty_missed_messages_of_five_kinds_make_five_groups_and_one_becomes_an_entry(
    store: ShopStore, demo: ShopData, services: Services
) -> None:
    publish_missed(store)
    expected = sorted(((len(texts), sorted(set(texts))) for texts in KINDS.values()), reverse=True)
    assert [n for n, _ in expected] == [10, 8, 6, 4, 2]
    recycle = sorted(set(KINDS["recycle"]))
    answer = "亲，店里暂时没有旧衣回收服务哦～"
    before = {text: asked_back_on(services, text)[0] for text in recycle}
    assert all(answer not in replies for replies in before.values())

    made_key: Dict[str, str] = {}

    async def scenario() -> None:
        async with running(store, owners=AgentDirectory({"alice": HASHES["alice"]})) as (client, _):
            owner: TestClient = await client("alice")
            agent: TestClient = await client("bob")
            page = await owner.get("/mining?days=7")
            assert page.status == 200
            html = await page.text()
            groups = groups_on(html)
            # Exactly the five kinds, most frequent first, each whole.
            assert [(n, sorted(texts)) for n, texts in groups] == expected
            assert "没答上的问题" in html and "转人工" in html and "标为训练意图" in html

            # An agent (trainer) sees the groups but may not change the shop's answers.
            agent_page = await agent.get("/mining?days=30")
            assert agent_page.status == 200 and len(groups_on(await agent_page.text())) == 5
            refused = await agent.post("/api/mining/entry", json={"texts": recycle, "answer": answer}, headers=API)
            assert refused.status == 403 and "店主" in (await refused.json())["error"]

            # Bad input: a clear answer and nothing written.
            empty = await owner.post("/api/mining/entry", json={"texts": recycle, "answer": " ", "enabled": True}, headers=API)
            assert empty.status == 400 and "答案" in (await empty.json())["error"]
            unknown = await owner.post("/api/mining/entry", json={"texts": ["从没有人问过这句"], "answer": answer}, headers=API)
            assert unknown.status == 400 and "刷新" in (await unknown.json())["error"]
            assert len(KnowledgeRecords(store.client, store.shop_id).entries()) == len(demo.knowledge)  # nothing written

            # One click: a new entry from the group, switched on.
            made = await owner.post(
                "/api/mining/entry",
                headers=API,
                json={"texts": recycle, "question": "可以回收旧衣服吗", "answer": answer, "enabled": True},
            )
            assert made.status == 201, await made.text()
            key = made_key["key"] = (await made.json())["entry"]
            entry = entry_of(store, key)
            assert entry is not None and entry.enabled and entry.question == "可以回收旧衣服吗"
            assert set(entry.similar) == set(recycle)
            change = KnowledgeRecords(store.client, store.shop_id).history()[0]  # undoable on the 知识库 page
            assert (change.key, change.by, change.before, change.after) == (key, "alice", None, entry)

            # The group leaves the page: its messages are answered now.
            after = await owner.get("/mining?days=7")
            after_html = await after.text()
            assert [n for n, _ in groups_on(after_html)] == [8, 6, 4, 2]
            assert "另有 10 条现在已由知识库回答" in after_html

            # Another group: added to an existing entry of the shop as similar questions.
            video = sorted(set(KINDS["video"]))
            added = await owner.post("/api/mining/similar", json={"entry": "colour_difference", "texts": video}, headers=API)
            assert added.status == 200, await added.text()
            colour = entry_of(store, "colour_difference")
            assert colour is not None and set(video) <= set(colour.similar)
            change = KnowledgeRecords(store.client, store.shop_id).history()[0]
            assert (change.key, change.by, change.after) == ("colour_difference", "alice", colour)
            assert change.before is not None and not set(video) & set(change.before.similar)

            # A third: marked as an intent for the trainers' export, by the agent.
            digital = sorted(set(KINDS["digital_rmb"]))
            marked = await agent.post("/api/mining/intent", json={"intent": "ask_product_info", "texts": digital}, headers=API)
            assert marked.status == 200 and (await marked.json()) == {
                "marked": 8,
                "intent": "ask_product_info",
                "label": "问商品信息",
            }  # each message the buyers sent
            assert sorted(c.text for c in marks_of(store).all()) == sorted(KINDS["digital_rmb"])
            assert {c.corrected_by for c in marks_of(store).all()} == {"bob"}
            no_intent = await agent.post("/api/mining/intent", json={"intent": "", "texts": digital}, headers=API)
            assert no_intent.status == 400
            marked_page = await (await agent.get("/mining?days=7")).text()
            # Left: the celebrity and abroad groups (the video one is an entry's similar questions now).
            assert [n for n, _ in groups_on(marked_page)] == [6, 2] and "8 条已标注意图" in marked_page
            assert "另有 14 条现在已由知识库回答" in marked_page

            # A group the classifier was sure of needs the owner's keywords: they are kept.
            celebrity = sorted(set(KINDS["celebrity"]))
            keyed = await owner.post(
                "/api/mining/entry",
                headers=API,
                json={"texts": celebrity, "keywords": " 明星同款，网红同款 ", "answer": "亲，这是店里自己设计的款哦～"},
            )
            assert keyed.status == 201 and (await keyed.json())["enabled"] is False  # off unless asked for
            made_keyed = entry_of(store, (await keyed.json())["entry"])
            assert made_keyed is not None and made_keyed.keywords == ["明星同款", "网红同款"]

    asyncio.run(scenario())

    # The assistant itself now answers every wording of the group from the new entry.
    for text in recycle:
        replies, slots = asked_back_on(services, text)
        assert replies == [answer], text
        assert slots[ANSWER_SOURCE_SLOT] == f"knowledge:{made_key['key']}"
