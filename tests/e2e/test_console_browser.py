"""A buyer and an agent in a real headless Chromium: the buyer asks for a human on the chat page,
the assistant keeps answering while the chat waits (the agent sees it), the agent claims the chat
in the console and replies, the buyer sees it, the agent hands back and the assistant answers the
next question.

Uses the system Chromium (the `browser` fixture of tests/conftest.py), never `playwright install`.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import AGENTS, Stack, restart

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 60_000  # one assistant turn can take a few seconds on a small CI machine


def say(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.press("#text", "Enter")
    expect(page.locator(".msg.buyer").last).to_have_text(text)


def test_buyer_to_agent_and_back_to_the_assistant(stack: Stack, browser: Browser) -> None:
    expect.set_options(timeout=TIMEOUT_MS)
    buyer = "buyer_xiaomei"
    restart(stack.assistant, buyer)
    tee = stack.store.product("T001")

    # The buyer opens the chat page on the item and asks for a human.
    chat = browser.new_context().new_page()
    chat.goto(f"{stack.console_url}/chat?buyer={buyer}&item=T001")
    expect(chat.locator("#item")).to_contain_text(tee.name)
    expect(chat.locator("#connection")).to_have_attribute("data-state", "ready")
    say(chat, "转人工")
    expect(chat.locator(".msg.assistant").last).to_contain_text("人工客服")

    # The agent logs in; the chat is waiting with its reason and summary card.
    console = browser.new_context().new_page()
    console.goto(f"{stack.console_url}/")
    expect(console).to_have_url(f"{stack.console_url}/login")
    console.fill("input[name=name]", "alice")
    console.fill("input[name=password]", AGENTS["alice"])
    console.click("button[type=submit]")
    card = console.locator(f'li.handoff[data-conversation="{buyer}"]')
    expect(card).to_contain_text("买家要求转人工")
    expect(card).to_have_attribute("data-state", "waiting")
    card.click()
    expect(console.locator("#buyer")).to_contain_text("小美")
    expect(console.locator("#item")).to_contain_text(tee.name)
    expect(console.locator("#intents")).to_contain_text("要求转人工")
    expect(console.locator("#orders")).to_contain_text(stack.store.orders_of(buyer)[0].id)
    expect(console.locator("#transcript")).to_contain_text("转人工")
    # The open workbench counts its agent as online (the header shows who is).
    expect(console.locator("#online")).to_contain_text("alice")

    # Waiting, not yet claimed: the assistant keeps answering, and the agent sees those answers.
    say(chat, "这件包邮吗")
    expect(chat.locator(".msg.assistant").last).to_contain_text("包邮")
    expect(console.locator("#transcript .line.buyer").last).to_contain_text("这件包邮吗")
    expect(console.locator("#transcript .line.assistant").last).to_contain_text("包邮")

    console.click("#claim")
    expect(console.locator("#detail")).to_have_attribute("data-state", "claimed")
    expect(card).to_have_attribute("data-state", "claimed")

    # While the agent has the chat, the buyer's words reach the agent and the assistant is silent.
    assistant_lines = chat.locator(".msg.assistant").count()
    say(chat, "我想改一下收货地址")
    expect(console.locator("#transcript .line.buyer").last).to_contain_text("我想改一下收货地址")
    assert chat.locator(".msg.assistant").count() == assistant_lines

    # The agent replies; the buyer sees it in the chat window.
    console.fill("#reply-text", "亲，我是客服小王，地址可以改的，请把新地址发我～")
    console.click("#send")
    expect(chat.locator(".msg.agent").last).to_contain_text("我是客服小王")
    expect(console.locator("#transcript .line.agent").last).to_contain_text("我是客服小王")
    assert chat.locator(".msg.assistant").count() == assistant_lines

    # Handed back: the chat leaves the queue and the assistant answers the next question.
    console.click("#handback")
    expect(card).to_have_count(0)
    say(chat, "这件包邮吗")
    expect(chat.locator(".msg.assistant").last).to_contain_text("包邮")
    assert stack.assistant.tracker(buyer)["slots"]["current_product"] == "T001"
