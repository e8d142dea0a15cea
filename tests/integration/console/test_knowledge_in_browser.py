"""The 知识库 page and the transcript's answer sources in a real headless Chromium (the console
alone, its stand-in Rasa server, the tests' Redis): an agent sees which entry answered and its
link; the owner follows it to the entry, sees what is 待填写, edits, and undoes the edit."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from bot.console.auth import AgentDirectory
from bot.knowledge.records import KnowledgeRecords
from bot.models import KnowledgeEntry, ShopData
from bot.store import ShopStore
from tests.integration.console import test_app
from tests.integration.console.test_app import HASHES, handed_off
from tests.integration.console.test_marks_in_browser import console_in_a_thread, open_chat

BUYER = "buyer_xiaomei"
TRACKER = {
    "sender_id": BUYER,
    "slots": {},
    "latest_message": {},
    "events": [
        {
            "event": "user",
            "text": "能开发票吗",
            "timestamp": 1.0,
            "parse_data": {"intent": {"name": "out_of_scope", "confidence": 0.5}},
        },
        {"event": "action", "name": "action_out_of_scope", "timestamp": 1.1},
        {"event": "bot", "text": "亲，本店可以开电子发票哦～", "timestamp": 1.2},
        {"event": "slot", "name": "answer_source", "value": "knowledge:invoice_how", "timestamp": 1.2},
        {
            "event": "user",
            "text": "这件包邮吗",
            "timestamp": 2.0,
            "parse_data": {"intent": {"name": "ask_free_shipping", "confidence": 0.98}},
        },
        {"event": "action", "name": "action_free_shipping", "timestamp": 2.1},
        {"event": "bot", "text": "亲，满99元包邮哦～", "timestamp": 2.2},
        {"event": "slot", "name": "behaviour", "value": "answer:ask_free_shipping", "timestamp": 2.2},
    ],
}


def test_an_answers_source_links_to_its_entry_which_the_owner_edits_and_undoes(
    store: ShopStore, demo: ShopData, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    expect.set_options(timeout=15_000)
    monkeypatch.setattr(test_app, "TRACKER", TRACKER)  # what the stand-in Rasa server answers
    handed_off(store, BUYER)
    records = KnowledgeRecords(store.client, store.shop_id)
    records.put(
        KnowledgeEntry(key="warranty", question="保修多久", answer="亲，保修{warranty_days}天", missing_facts=["warranty_days"])
    )
    original = records.entry("invoice_how")
    with console_in_a_thread(store, owners=AgentDirectory({"bob": HASHES["bob"]})) as url:
        page = open_chat(browser, url, "bob", BUYER)

        # Each assistant line says where it came from, in Chinese.
        knowledge_line = page.locator("#transcript .line.assistant", has_text="电子发票")
        expect(knowledge_line.locator(".source")).to_have_text("来源：知识库：「可以开发票吗」")
        expect(page.locator("#transcript .line.assistant", has_text="包邮").locator(".source")).to_have_text(
            "来源：意图「问包邮/运费」（把握 98%） → 回答：问包邮/运费"
        )
        link = knowledge_line.locator(".source a")
        expect(link).to_have_attribute("href", "/knowledge?edit=invoice_how")

        # The link opens the entry in the 知识库 page's editor.
        page.goto(url.rstrip("/") + link.get_attribute("href"))  # type: ignore[operator]
        expect(page.locator("#editor")).to_be_visible()
        expect(page.locator("#entry-form [name=question]")).to_have_value("可以开发票吗")
        expect(page.locator("#entries tr", has_text="保修多久")).to_contain_text("待填写")
        expect(page.locator("#entries tr", has_text="保修多久")).to_contain_text("缺：保修天数")
        page.fill("#search", "保修")
        expect(page.locator("#entries tbody tr")).to_have_count(1)
        page.fill("#search", "")

        # An edit, then its undo from the history.
        page.fill("#entry-form [name=answer]", "亲，发票请在订单页申请哦～")
        page.click("#save")
        expect(page.locator("#status")).to_contain_text("已保存：可以开发票吗")
        assert records.entry("invoice_how").answer == "亲，发票请在订单页申请哦～"  # type: ignore[union-attr]
        edit = page.locator("#history tbody tr").first
        expect(edit).to_contain_text("修改")
        expect(edit).to_contain_text("bob")
        edit.locator("button", has_text="撤销").click()
        expect(page.locator("#status")).to_contain_text("已撤销这次修改：可以开发票吗")
        expect(page.locator("#history tbody tr").nth(1)).to_contain_text("修改（已撤销）")
        assert records.entry("invoice_how") == original
