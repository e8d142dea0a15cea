"""猜你想问 in a real headless Chromium: an unclear message on the chat page shows the likeliest
questions as buttons; clicking one asks it and gets that answer from the shop's data."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, expect

from bot.replies import chat as chat_replies
from tests.e2e.conftest import Stack
from tests.e2e.test_console_browser import TIMEOUT_MS, say

pytestmark = pytest.mark.e2e


def test_an_unclear_message_offers_questions_and_a_click_answers_one(stack: Stack, browser: Browser) -> None:
    expect.set_options(timeout=TIMEOUT_MS)
    visitor = f"visitor-{uuid.uuid4().hex[:8]}"
    tee = stack.store.product("T001")
    page = browser.new_context().new_page()
    page.goto(f"{stack.console_url}/chat?buyer={visitor}&item=T001")
    expect(page.locator("#connection")).to_have_attribute("data-state", "ready")

    say(page, "那个咋整啊")  # our own vague words: the classifier is not sure of any question
    reply = page.locator(".msg.assistant").last
    expect(reply).to_contain_text("您是想问")
    material = chat_replies.SUGGESTION_TITLES["ask_product_info"]
    button = reply.locator("button.choice", has_text=material)
    expect(button).to_be_visible()

    button.click()
    expect(page.locator(".msg.buyer").last).to_have_text(material)
    answer = page.locator(".msg.assistant").last
    expect(answer).to_contain_text(tee.material.composition)
    assert stack.assistant.tracker(visitor)["slots"]["behaviour"] == "answer:ask_product_info"
