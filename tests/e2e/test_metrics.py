"""The owner's numbers from real chats: REST messages through the Rasa server, its event broker,
the Redis stream and `python -m bot metrics --json`, with exactly the expected counts; then the
dashboard in a real headless Chromium, drawn from those numbers, for the owner only."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from bot.models import Buyer, Order, OrderItem, OrderStatus, ShopData
from bot.settings import PROJECT_ROOT
from bot.store import MetricsKeys
from tests.conftest import outreach_of
from tests.e2e.conftest import AGENTS, OWNERS, ConsoleClient, Stack, end_handoff

pytestmark = pytest.mark.e2e


def bot_command(stack: Stack, *args: str) -> subprocess.CompletedProcess:
    env = {**stack.env, "REDIS_URL": stack.redis.url}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )


def place_order(stack: Stack, buyer_id: str, directory: Path) -> None:
    """The shop's order import: the loader with --merge, as docs/shop-data.md documents."""
    now = datetime.now(timezone.utc)
    order = Order(
        id=f"M{uuid.uuid4().hex[:8]}",
        buyer_id=buyer_id,
        status=OrderStatus.paid,
        region="浙江",
        items=[OrderItem(sku="T001", colour="白色", size="M", unit_price=59)],
        created_at=now,
        paid_at=now,
    )
    data = ShopData(
        shop=stack.store.shop(), products=[], buyers=[Buyer(id=buyer_id, nickname="新客", region="浙江")], orders=[order]
    )
    path = directory / "new_order.json"
    path.write_text(data.json(ensure_ascii=False), encoding="utf-8")
    bot_command(stack, "load", str(path), "--merge")


def owner_page(stack: Stack, browser: Browser, path: str) -> Page:
    """The shop owner, logged in through the login page, on one of the owner pages."""
    expect.set_options(timeout=60_000)
    page = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()
    page.goto(f"{stack.console_url}/login")
    page.fill("input[name=name]", "boss")
    page.fill("input[name=password]", OWNERS["boss"])
    page.click("button[type=submit]")
    page.goto(f"{stack.console_url}{path}")
    return page


@dataclass
class Script:
    since: str
    until: str


@pytest.fixture(scope="module")
def script(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Script]:
    """Some chats answered, one handed off, one not understood, one follow-up answered 不满意 (which
    hands off too: the demo shop's rule), one followed by an order."""
    client = stack.store.client
    for key in client.scan_iter(f"{MetricsKeys().prefix}:*"):  # only these chats count
        client.delete(key)
    tag = uuid.uuid4().hex[:6]
    answered, handed, unclear, ordering, rated = (f"m-{tag}-{n}" for n in ("answered", "handed", "unclear", "orders", "rated"))
    since = datetime.now(timezone.utc) - timedelta(minutes=1)
    assistant = stack.assistant
    try:
        assert assistant.say(answered, "亲 在吗", item_id="T001")
        assert assistant.say(answered, "这件包邮吗", item_id="T001")
        assert assistant.say(handed, "转人工")
        assert assistant.say(unclear, "讲个笑话")
        assert assistant.say(ordering, "这件有什么颜色", item_id="T002")
        place_order(stack, ordering, tmp_path_factory.mktemp("orders"))
        outreach_of(stack.store).ask_follow_up(rated, "261103004512", 3600)  # as the outreach schedule does
        assert "抱歉" in "".join(assistant.say(rated, "不满意"))
        until = datetime.now(timezone.utc) + timedelta(minutes=1)
        yield Script(since.isoformat(), until.isoformat())
    finally:
        end_handoff(stack.store, handed)
        end_handoff(stack.store, rated)


def test_metrics_json_gives_exactly_the_expected_numbers(stack: Stack, script: Script) -> None:
    m = json.loads(bot_command(stack, "metrics", "--json", "--since", script.since, "--until", script.until).stdout)
    assert m["conversations"] == 5
    assert m["buyer_messages"] == 6
    assert m["handoffs"] == 2 and m["handoff_rate"] == 0.4 and m["auto_reply_rate"] == 0.6
    reasons = {r["key"]: (r["label"], r["count"]) for r in m["handoff_reasons"]}
    assert sum(count for _, count in reasons.values()) == 2
    assert reasons["unhappy_follow_up"] == ("回访不满意", 1)
    assert m["not_understood"] == 1 and m["not_understood_rate"] == round(1 / 6, 4)
    assert m["top_not_understood"] == [["讲个笑话", 1]]
    assert m["conversions"] == 1 and m["conversion_rate"] == 0.2
    assert {"key": "request_human", "label": "要求转人工", "count": 1} in m["top_intents"]
    assert {i["key"]: i["count"] for i in m["top_items"]} == {"T001": 2, "T002": 1}
    assert 0 < m["first_reply_ms_p50"] < 30_000
    assert m["csat"] == 0.0 and m["csat_responses"] == 1  # the one follow-up answer: 不满意
    # What each answer earned: named in Chinese; the shipping answer came directly and settled it.
    shipping = next(row for row in m["answers"] if row["name"] == "问包邮/运费")
    assert (shipping["kind"], shipping["answered"], shipping["precise_rate"], shipping["unsure_after_rate"]) == (
        "意图",
        1,
        1.0,
        0.0,
    )
    # Asked again: the stream is folded once, so nothing is counted twice.
    again = json.loads(bot_command(stack, "metrics", "--json", "--since", script.since, "--until", script.until).stdout)
    assert (again["conversations"], again["buyer_messages"]) == (5, 6)
    text = bot_command(stack, "metrics", "--since", script.since, "--until", script.until).stdout
    assert "conversations        5" in text and "40.0%" in text


def test_an_agent_may_not_see_the_owners_numbers(stack: Stack, script: Script) -> None:
    agent = ConsoleClient(stack.console_url).login("alice", AGENTS["alice"])
    assert agent.get("/dashboard").status_code == 403
    assert agent.get("/api/metrics").status_code == 403
    owner = ConsoleClient(stack.console_url).login("boss", OWNERS["boss"])
    assert owner.get("/api/metrics").json()["conversations"] == 5
    export = owner.get("/api/metrics.csv?by=day")
    assert export.status_code == 200 and export.text.lstrip("\ufeff").startswith("start,conversations")
    assert sum(int(line.split(",")[1]) for line in export.text.splitlines()[1:]) == 5
    assert requests.get(f"{stack.console_url}/api/metrics", timeout=30).status_code == 401


def test_the_dashboard_draws_its_charts_from_the_numbers(stack: Stack, script: Script, browser: Browser, tmp_path: Path) -> None:
    page = owner_page(stack, browser, "/dashboard")
    expect(page.locator("body")).to_have_attribute("data-rendered", "yes")
    expect(page.locator("#kpi-conversations")).to_have_text("5")
    expect(page.locator("#kpi-handoff")).to_have_text("40.0%")
    expect(page.locator("#kpi-conversion")).to_have_text("20.0%")
    expect(page.locator("#kpi-csat")).to_have_text("0.0%")
    expect(page.locator("#top-unclear")).to_contain_text("讲个笑话")
    shipping = page.locator("#answers tbody tr", has_text="问包邮/运费")
    expect(shipping.locator("td")).to_have_text(["意图", "问包邮/运费", "1", "100.0%", "0.0%", "暂无评价"])
    for chart in ("#chart-hours", "#chart-days"):
        expect(page.locator(f"{chart} canvas")).to_have_count(1)
    for chart in ("#chart-reasons", "#chart-intents"):  # drawn as SVG: their names are the page's text
        expect(page.locator(f"{chart} svg")).to_have_count(1)
    expect(page.locator("#chart-reasons svg")).to_contain_text("回访不满意")
    # The hourly chart has drawn bars and lines: a good share of its canvas is not background.
    page.locator("#chart-hours").screenshot(path=str(tmp_path / "hours.png"))
    inked = page.evaluate("""() => {
        const canvas = document.querySelector('#chart-hours canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
        return inked / (pixels.length / 4);
    }""")
    assert inked > 0.01


def test_the_complaint_report_page_shows_each_item_in_the_buyers_words(stack: Stack, browser: Browser) -> None:
    from bot.clock import fixed_clock
    from bot.services.aftersales import record_quality_complaint

    store = stack.store
    now = datetime.now(timezone.utc)
    for words, hours_ago in (("衣服洗了一次就掉色了", 30), ("领口线头好多", 2)):
        record_quality_complaint(
            store,
            "buyer_chenchen",
            f"complaint-{uuid.uuid4().hex[:6]}",
            words,
            store.product("T002"),
            None,
            fixed_clock(now - timedelta(hours=hours_ago)),
        )
    agent = ConsoleClient(stack.console_url).login("alice", AGENTS["alice"])
    assert agent.get("/complaints").status_code == 403 and agent.get("/api/complaints").status_code == 403
    page = owner_page(stack, browser, "/complaints")
    expect(page.locator("body")).to_have_attribute("data-rendered", "yes")
    card = page.locator('.complaint-item[data-sku="T002"]')
    expect(card.locator(".reasons")).to_contain_text("掉色")
    expect(card.locator(".reasons")).to_contain_text("线头/做工")
    expect(card.locator(".quotes li").first).to_contain_text("领口线头好多")  # the newest first
    expect(card.locator(".trend canvas")).to_have_count(1)
    owner = ConsoleClient(stack.console_url).login("boss", OWNERS["boss"])
    t002 = next(i for i in owner.get("/api/complaints").json()["items"] if i["sku"] == "T002")
    assert t002["complaints"] >= 2 and t002["by_reason"]["线头/做工"] >= 1
    assert "T002" in owner.get("/api/complaints.csv").text
