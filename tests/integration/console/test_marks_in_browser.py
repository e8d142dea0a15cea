"""A trainer marks buyer messages in the agent console, in a real headless Chromium.

Only the console runs (its app and stand-in Rasa server from tests.integration.console.test_app.py), against the
tests' throwaway Redis; no model needed. The marks must land in Redis with the intent and entity
chosen and the agent who chose them, and go away again from the page.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import AsyncExitStack, contextmanager
from typing import Any, Iterator

from playwright.sync_api import Browser, Page, expect

from bot.models import ShopData
from bot.store import ShopStore
from tests.conftest import marks_of
from tests.integration.console.test_app import PASSWORDS, TRACKER, handed_off, running

BUYER = "buyer_xiaomei"


@contextmanager
def console_in_a_thread(store: ShopStore, **console_options: Any) -> Iterator[str]:
    """The console's URL, served from an event loop in its own thread (Playwright's sync API has this one)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    servers = AsyncExitStack()

    async def start() -> str:
        client, _ = await servers.enter_async_context(running(store, **console_options))
        return str((await client()).make_url(""))

    try:
        yield asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    finally:
        asyncio.run_coroutine_threadsafe(servers.aclose(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


def open_chat(browser: Browser, url: str, agent: str, conversation: str) -> Page:
    """A new browser logged in as `agent`, the workbench showing the conversation."""
    page = browser.new_context().new_page()
    page.goto(f"{url}/")
    page.fill("input[name=name]", agent)
    page.fill("input[name=password]", PASSWORDS[agent])
    page.click("button[type=submit]")
    page.click(f'li.handoff[data-conversation="{conversation}"]')
    return page


def test_an_agent_marks_buyer_messages_and_the_marks_are_in_redis(
    store: ShopStore, demo: ShopData, browser: Browser, said
) -> None:
    expect.set_options(timeout=15_000)
    handed_off(store, BUYER)
    said(BUYER, *TRACKER["events"])  # what the stand-in Rasa server shows is what the buyer said
    with console_in_a_thread(store) as url:
        page = open_chat(browser, url, "alice", BUYER)

        # A message with Rasa's message id, marked with another intent and an entity.
        asked = page.locator("#transcript .line.buyer", has_text="亲 这件包邮吗")
        expect(asked.locator(".intent")).to_have_text("问包邮/运费 90%")
        asked.locator(".mark-edit").click()
        form = asked.locator(".mark-form")
        expect(form.locator("select[name=intent]")).to_have_value("ask_free_shipping")
        form.locator("select[name=intent]").select_option("ask_product_info")
        form.locator("select[name=entity]").select_option("product")
        form.locator("input[name=covered]").fill("那件")  # not in the buyer's words: refused here
        form.locator("button[type=submit]").click()
        expect(page.locator("#status")).to_contain_text("一字不差")
        assert marks_of(store).all() == []
        form.locator("input[name=covered]").fill("这件")
        form.locator("button[type=submit]").click()
        expect(asked.locator(".mark")).to_have_text("已标注：问商品信息（商品=这件） · alice")

        # A message without a message id is marked by its timestamp; then the mark is removed.
        human = page.locator("#transcript .line.buyer", has_text="转人工")
        human.locator(".mark-edit").click()
        human.locator("select[name=intent]").select_option("complain_quality")
        human.locator(".mark-form button[type=submit]").click()
        expect(human.locator(".mark")).to_contain_text("质量问题")
        assert {c.message_ref: c.correct_intent for c in marks_of(store).all(BUYER)} == {
            "m-1": "ask_product_info",
            "ts:4.0": "complain_quality",
        }
        human.locator(".mark-delete").click()
        expect(human.locator(".mark")).to_have_count(0)

        # The page shows the marks kept in Redis when the chat is opened again.
        page.reload()
        page.click(f'li.handoff[data-conversation="{BUYER}"]')
        expect(asked.locator(".mark")).to_contain_text("问商品信息")
        expect(human.locator(".mark")).to_have_count(0)

    [mark] = marks_of(store).all()
    assert (mark.conversation_id, mark.message_id, mark.text) == (BUYER, "m-1", "亲 这件包邮吗")
    assert (mark.predicted_intent, mark.predicted_confidence) == ("ask_free_shipping", 0.9)
    assert (mark.correct_intent, mark.corrected_by) == ("ask_product_info", "alice")
    assert [(e.entity, e.start, e.end, e.value) for e in mark.entities] == [("product", 2, 4, "这件")]
