"""The 知识库 page's API against a real Redis: owners only, bad input refused in Chinese with nothing
written, 试一试 follows the assistant's rule, every change undoable; and the transcript's answer
sources."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from bot.console.auth import AgentDirectory
from bot.console.knowledge_page import try_result
from bot.console.summary import summarize
from bot.handoff.queue import HandoffQueue
from bot.knowledge.matching import KnowledgeIndex
from bot.knowledge.records import KnowledgeRecords
from bot.models import HandoffReason, KnowledgeEntry, ShopData
from bot.store import ShopStore
from tests.conftest import DEMO_NOW
from tests.integration.console.test_app import API, HASHES, running

OWNERS = AgentDirectory({"bob": HASHES["bob"]})  # alice stays an agent
DOWN = {
    "question": "有羽绒服吗",
    "similar": ["羽绒服什么时候上新"],
    "keywords": ["羽绒服", "鸭绒"],
    "answer": "亲，冬款羽绒服12月上新哦～",
}


def records(store: ShopStore) -> KnowledgeRecords:
    return KnowledgeRecords(store.client, store.shop_id)


def test_only_owners_open_the_knowledge_page(store: ShopStore, demo: ShopData) -> None:
    async def scenario() -> None:
        async with running(store, owners=OWNERS) as (client, _):
            alice, bob = await client("alice"), await client("bob")
            assert (await alice.get("/knowledge")).status == 403
            assert (await alice.get("/api/knowledge")).status == 403
            assert (await alice.post("/api/knowledge", json=DOWN, headers=API)).status == 403
            page = await bob.get("/knowledge")
            assert page.status == 200 and "试一试" in await page.text()

    asyncio.run(scenario())
    assert all(e.question != DOWN["question"] for e in records(store).entries())


def test_pending_entries_are_listed_with_the_facts_they_need(store: ShopStore, demo: ShopData) -> None:
    records(store).put(
        KnowledgeEntry(key="warranty", question="保修多久", answer="亲，保修{warranty_days}天", missing_facts=["warranty_days"])
    )

    async def scenario() -> None:
        async with running(store, owners=OWNERS) as (client, _):
            listing = await (await (await client("bob")).get("/api/knowledge")).json()
            rows = {row["entry"]["key"]: row for row in listing["entries"]}
            assert rows["warranty"]["state"] == "待填写" and rows["warranty"]["missing"] == ["保修天数"]
            assert rows["invoice_how"]["state"] == "启用"

    asyncio.run(scenario())


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(store: ShopStore, demo: ShopData) -> None:
    version = records(store).version()

    async def scenario() -> None:
        async with running(store, owners=OWNERS) as (client, _):
            bob = await client("bob")
            response = await bob.post("/api/knowledge", json={**DOWN, "answer": " "}, headers=API)
            assert response.status == 400
            assert await response.json() == {"error": "「答案」不能为空", "field": "answer"}
            response = await bob.post("/api/knowledge/entry/invoice_how", json={**DOWN, "valid_until": "明天"}, headers=API)
            assert response.status == 400 and (await response.json())["field"] == "valid_until"
            response = await bob.post("/api/knowledge", data="not json", headers=API)
            assert response.status == 400 and "标准问题" in (await response.json())["error"]

    asyncio.run(scenario())
    assert records(store).version() == version and records(store).history() == []


def test_an_owner_adds_tries_disables_and_undoes(store: ShopStore, demo: ShopData) -> None:
    async def scenario() -> None:
        async with running(store, owners=OWNERS) as (client, _):
            bob = await client("bob")

            async def tried(text: str) -> dict:
                response = await bob.post("/api/knowledge/try", json={"text": text}, headers=API)
                assert response.status == 200
                return await response.json()

            assert (await tried("鸭绒的有没有"))["reached"] != "entry"
            added = await (await bob.post("/api/knowledge", json=DOWN, headers=API)).json()
            assert added["kind"] == "新增" and added["change"]["by"] == "bob"
            key = added["change"]["key"]
            result = await tried("鸭绒的有没有")
            assert result["reached"] == "entry" and result["entry_key"] == key
            assert result["summary"] == "知识库：「有羽绒服吗」（关键词「鸭绒」命中）"
            disabled = await (await bob.post(f"/api/knowledge/entry/{key}/enabled", json={"enabled": False}, headers=API)).json()
            assert disabled["kind"] == "停用"
            assert (await tried("鸭绒的有没有"))["reached"] != "entry"
            undone = await bob.post(f"/api/knowledge/history/{disabled['change']['id']}/undo", headers=API)
            assert undone.status == 200 and (await undone.json())["kind"] == "撤销"
            assert (await tried("鸭绒的有没有"))["entry_key"] == key
            again = await bob.post(f"/api/knowledge/history/{disabled['change']['id']}/undo", headers=API)
            assert again.status == 409 and (await again.json())["error"] == "这次修改已经撤销过了"
            history = (await (await bob.get("/api/knowledge")).json())["history"]
            assert [(row["kind"], row["undone"]) for row in history] == [("撤销", False), ("停用", True), ("新增", False)]
            gone = await bob.delete(f"/api/knowledge/entry/{key}", headers=API)
            assert gone.status == 200
            assert (await bob.delete(f"/api/knowledge/entry/{key}", headers=API)).status == 404

    asyncio.run(scenario())


def test_try_it_tells_an_intent_and_a_close_call() -> None:
    entries = [
        KnowledgeEntry(key="coupon", question="有优惠券吗", keywords=["优惠券"], answer="亲，领券中心有哦"),
        KnowledgeEntry(key="gift_wrap", question="能包装成礼物吗", answer="亲，可以的"),
        KnowledgeEntry(key="gift_card", question="能写贺卡吗", answer="亲，可以的"),
    ]
    index = KnowledgeIndex(entries)
    sure = try_result(index.matches("这件有优惠券吗", DEMO_NOW), "bargain", 0.99)
    assert sure.reached == "entry" and sure.question == "有优惠券吗"  # a keyword beats the intent
    plain = try_result(index.matches("这件多少钱", DEMO_NOW), "ask_product_info", 0.93)
    assert plain.reached == "intent" and plain.summary == "意图：问商品信息（把握 93%）"
    unsure = try_result([], "ask_size", 0.4)
    assert unsure.reached == "unsure" and "问尺码" in unsure.summary and "ask_size" not in unsure.summary


def test_the_transcript_says_where_each_answer_came_from(store: ShopStore, demo: ShopData) -> None:
    HandoffQueue(store).request("buyer_xiaomei", "buyer_xiaomei", HandoffReason.buyer_asked, "转人工")
    events = [
        {
            "event": "user",
            "text": "能开发票吗",
            "timestamp": 1.0,
            "parse_data": {"intent": {"name": "out_of_scope", "confidence": 0.5}},
        },
        {"event": "action", "name": "action_out_of_scope", "timestamp": 1.1},
        {"event": "bot", "text": "亲，本店可以开电子发票哦～", "timestamp": 1.2},
        {"event": "slot", "name": "behaviour", "value": "faq:invoice", "timestamp": 1.2},
        {"event": "slot", "name": "answer_source", "value": "knowledge:invoice_how", "timestamp": 1.2},
        {"event": "action", "name": "action_listen", "timestamp": 1.3},
        {
            "event": "user",
            "text": "这件包邮吗",
            "timestamp": 2.0,
            "parse_data": {"intent": {"name": "ask_free_shipping", "confidence": 0.98}},
        },
        {"event": "action", "name": "action_free_shipping", "timestamp": 2.1},
        {"event": "bot", "text": "亲，满99元包邮哦～", "timestamp": 2.2},
        {"event": "slot", "name": "behaviour", "value": "answer:ask_free_shipping", "timestamp": 2.2},
        {"event": "slot", "name": "answer_source", "value": None, "timestamp": 2.2},
        {"event": "bot", "text": "亲，稍等", "timestamp": 3.0, "metadata": {"agent": "alice"}},
    ]
    summary = summarize(HandoffQueue(store).get("buyer_xiaomei"), {"events": events}, store, datetime.now(timezone.utc))
    invoice, shipping, agent = [line.source for line in summary.transcript if line.speaker != "buyer"]
    assert (
        invoice is not None and invoice.text == "知识库：「可以开发票吗」" and invoice.edit_url == "/knowledge?edit=invoice_how"
    )
    assert shipping is not None and shipping.text == "意图「问包邮/运费」（把握 98%） → 回答：问包邮/运费"
    assert shipping.action == "action_free_shipping" and shipping.edit_url is None
    assert agent is None  # a person's reply has no machine source
