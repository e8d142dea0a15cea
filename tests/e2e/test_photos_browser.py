"""Photos both ways in a real headless Chromium: the buyer complains on the chat page and sends a
photo of it, the assistant says it has it, the agent sees the photo in the workbench; the size
answer carries the item's size-chart image and the product answer a product card."""

from __future__ import annotations

import base64
import functools
import http.server
import threading
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.loader import load_file, parse, read_file
from bot.photos.intake import RECEIVED_FOR_COMPLAINT
from tests.conftest import DEMO_FILE
from tests.e2e.conftest import AGENTS, Stack, restart

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 60_000
# A real 1x1 PNG, so the browser can decode (render) it.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture
def pictures(tmp_path: Path) -> Iterator[str]:
    """The shop's picture host: a local HTTP server of a size chart and an item picture."""
    (tmp_path / "chart.png").write_bytes(PNG)
    (tmp_path / "item.png").write_bytes(PNG)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def say(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.press("#text", "Enter")
    expect(page.locator(".msg.buyer").last).to_have_text(text)


def rendered(page: Page, selector: str) -> bool:
    return bool(page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0"))


def test_a_photo_reaches_the_agent_and_replies_carry_pictures(stack: Stack, browser: Browser, pictures: str) -> None:
    expect.set_options(timeout=TIMEOUT_MS)
    buyer = "visitor-photos"
    restart(stack.assistant, buyer)
    data = parse(DEMO_FILE, read_file(DEMO_FILE))
    jeans = next(p for p in data.products if p.sku == "K001").copy(
        update={"image_url": f"{pictures}/item.png", "size_chart_image_url": f"{pictures}/chart.png"}
    )
    stack.store.write_all(data.copy(update={"products": [jeans], "buyers": [], "orders": []}), merge=True)
    try:
        chat = browser.new_context().new_page()
        chat.goto(f"{stack.console_url}/chat?buyer={buyer}&item=K001")
        expect(chat.locator("#connection")).to_have_attribute("data-state", "ready")

        # A complaint, then the photo of it.
        say(chat, "裤子收到就开线了，质量太差了")
        expect(chat.locator(".msg.assistant").last).to_contain_text("人工")
        replies = chat.locator(".msg.assistant").count()
        chat.set_input_files("#photo", files=[{"name": "seam.png", "mimeType": "image/png", "buffer": PNG}])
        expect(chat.locator(".msg.buyer img.chat-image")).to_have_count(1)
        expect(chat.locator(".msg.assistant").nth(replies)).to_have_text(RECEIVED_FOR_COMPLAINT)
        found = stack.store.latest_request(buyer, "quality_complaint")
        assert found is not None

        # The agent sees the photo in the workbench transcript.
        console = browser.new_context().new_page()
        console.goto(f"{stack.console_url}/login")
        console.fill("input[name=name]", "alice")
        console.fill("input[name=password]", AGENTS["alice"])
        console.click("button[type=submit]")
        card = console.locator(f'li.handoff[data-conversation="{buyer}"]')
        expect(card).to_contain_text("质量投诉")
        card.click()
        photo = console.locator("#transcript .line.buyer img.buyer-photo")
        expect(photo).to_have_count(1)
        console.wait_for_function(
            "() => { const i = document.querySelector('#transcript img.buyer-photo');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        # The same address outside the agent's session gets no image.
        src = photo.get_attribute("src")
        assert src and src.startswith(f"/api/conversations/{buyer}/photos/")
        anonymous = browser.new_context()
        assert anonymous.request.get(f"{stack.console_url}{src}", max_redirects=0).status == 401
        anonymous.close()

        # The size answer carries the size chart; the product answer a card (the words stay too).
        say(chat, "身高165 体重110斤 穿多大码")
        chart = chat.locator(f'.msg.assistant img.chat-image[src="{pictures}/chart.png"]')
        expect(chart).to_have_count(1)
        chat.wait_for_function(
            "() => { const i = document.querySelector('.msg.assistant img.chat-image');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        expect(chat.locator(".msg.assistant .text").last).to_contain_text("建议拍")
        say(chat, "这条裤子是什么面料的")
        product_card = chat.locator(".msg.assistant a.product-card").last
        expect(product_card).to_contain_text(stack.store.product("K001").name)
        expect(product_card).to_contain_text("¥")
        expect(product_card).to_have_attribute("href", "?item=K001")
        assert rendered(chat, ".msg.assistant a.product-card img")
    finally:
        restart(stack.assistant, buyer)
        load_file(DEMO_FILE, stack.store)
