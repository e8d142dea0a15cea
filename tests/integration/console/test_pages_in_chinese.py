"""The owner's and agents' pages read in Chinese (issue 22): the dashboard, the agent workbench,
the complaint report and the questions nobody answered, opened in a real headless Chromium with
handoffs of every reason (some written before reasons were typed), complaints, many intents and
missed messages, show no English word.

"English word" is any `[a-z_]{6,}` run in the pages' visible text (the SVG pie charts' labels
included). Exempt, and nothing else: text inside <code>/<kbd>/<samp>, and whole identifiers of the
seeded data that people search by (buyer and conversation ids, order ids, SKUs, login names).

Only the console runs (its app and stand-in Rasa server from tests.integration.console.test_app.py)
against the tests' throwaway Redis; no model needed.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Set

from playwright.sync_api import Browser, Page, expect

from bot.clock import fixed_clock
from bot.console.auth import AgentDirectory, hash_password
from bot.handoff.queue import HandoffQueue
from bot.metrics.broker import RedisStreamEventBroker
from bot.models import HandoffReason, ShopData
from bot.services.aftersales import record_quality_complaint
from bot.store import ShopStore, shop_key
from tests.integration.console.test_app import PASSWORDS
from tests.integration.console.test_marks_in_browser import console_in_a_thread
from tests.integration.mining.test_mining_page import publish_missed

OWNER, OWNER_PASSWORD = "boss", "boss-password"
ENGLISH = re.compile(r"[a-z_]{6,}")
# Free-text reasons as the code wrote them before reasons were typed: still in Redis.
OLD_REASONS = ("order 261125003371 is late for dispatch", "order 261125008846 is late for dispatch", "buyer asked for a human")
INTENTS = (
    "ask_product_info",
    "nlu_fallback",
    "ask_free_shipping",
    "request_human",
    "complain_quality",
    "ask_order_status",
    "return_exchange",
    "out_of_scope",
    "ask_size",
    "bargain",
    "ask_stock",
)
VISIBLE_TEXT = """() => {
    for (const node of document.querySelectorAll("code, kbd, samp")) node.remove();
    const charts = [...document.querySelectorAll("svg text")].map((t) => t.textContent);
    return [document.body.innerText, ...charts].join("\\n");
}"""


def english_words(text: str, ids: Iterable[str]) -> List[str]:
    """The `[a-z_]{6,}` runs of `text` once the seeded identifiers (whole tokens only) are taken out."""
    for known in sorted(ids, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z0-9_-]){re.escape(known)}(?![A-Za-z0-9_-])", " ", text)
    return ENGLISH.findall(text)


def seed_handoffs(store: ShopStore, buyers: List[str]) -> Set[str]:
    """One open handoff per reason, and old records whose reason is free text; their conversation ids."""
    queue, conversations = HandoffQueue(store), set()
    reasons: List[Any] = [r for r in HandoffReason if r is not HandoffReason.other] + list(OLD_REASONS)
    for n, reason in enumerate(reasons):
        buyer = buyers[n % len(buyers)]
        conversation = buyer if n < len(buyers) else f"{buyer}-{n}"
        order = re.search(r"\d{12}", reason)
        typed = reason if isinstance(reason, HandoffReason) else HandoffReason.buyer_asked
        queue.request(conversation, buyer, typed, "在吗 转人工", order.group() if order else None)
        if not isinstance(reason, HandoffReason):  # as an older version of the code wrote it
            store.client.hset(shop_key(store.shop_id, "handoff", conversation), "reason", reason)
        conversations.add(conversation)
    return conversations


def seed_chats(store: ShopStore, buyers: List[str]) -> None:
    """The metrics stream as Rasa servers publish it: chats with many intents and every reason."""
    broker, start = RedisStreamEventBroker(store.client), time.time() - 1800
    reasons = [r.value for r in HandoffReason if r is not HandoffReason.other] + list(OLD_REASONS)
    for n in range(max(len(reasons), len(INTENTS))):
        sender, at = f"{buyers[n % len(buyers)]}-m{n}", start + 60 * n
        events: List[Dict[str, Any]] = [
            {"event": "action", "name": "action_session_start", "timestamp": at},
            {
                "event": "user",
                "text": "这件还有货吗",
                "timestamp": at + 1,
                "metadata": {"item_id": ("T001", "C001")[n % 2]},
                "parse_data": {"intent": {"name": INTENTS[n % len(INTENTS)]}},
            },
            {"event": "bot", "text": "亲，有的哦", "timestamp": at + 2},
            {"event": "user", "text": "你们家猫叫什么", "timestamp": at + 3, "parse_data": {"intent": {"name": "nlu_fallback"}}},
            {"event": "action", "name": "action_unclear", "timestamp": at + 4},
        ]
        if n < len(reasons):
            events.append({"event": "slot", "name": "handoff_reason", "value": reasons[n], "timestamp": at + 5})
        broker.publish_many([{"sender_id": sender, **e} for e in events])


def seed_complaints(store: ShopStore) -> None:
    """More complaints than received orders (T001: two received), and an item nobody received (C001)."""
    clock = fixed_clock(datetime.now(timezone.utc) - timedelta(hours=1))
    delivered = store.order("261103004512")
    for words in ("洗了一次就掉色了", "线头好多", "又掉色了", "领口变形", "还是掉色"):
        record_quality_complaint(store, "buyer_xiaomei", "buyer_xiaomei", words, store.product("T001"), delivered, clock)
    for words in ("扣子掉了", "有个破洞"):
        record_quality_complaint(
            store, "buyer_chenchen", "buyer_chenchen", words, store.product("C001"), store.order("261124019907"), clock
        )


def log_in(browser: Browser, url: str, name: str, password: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()
    page.goto(f"{url}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    return page


def test_the_checker_finds_english_and_spares_only_ids() -> None:
    assert english_words("转人工 quality complaint", []) == ["quality", "complaint"]
    assert english_words("小美（buyer_xiaomei） ask_product_info", ["buyer_xiaomei"]) == ["ask_product_info"]
    assert english_words("buyer_xiaomei_2", ["buyer_xiaomei"]) == ["buyer_xiaomei_"]  # whole ids only


def test_dashboard_workbench_and_complaint_report_show_no_english(store: ShopStore, demo: ShopData, browser: Browser) -> None:
    expect.set_options(timeout=30_000)
    buyers = [b.id for b in demo.buyers]
    conversations = seed_handoffs(store, buyers)
    seed_chats(store, buyers)
    seed_complaints(store)
    ids = {*buyers, *conversations, *(o.id for o in demo.orders), *(p.sku for p in demo.products), *PASSWORDS, OWNER}
    owners = AgentDirectory({OWNER: hash_password(OWNER_PASSWORD)})
    with console_in_a_thread(store, owners=owners) as url:
        agent = log_in(browser, url, "alice", PASSWORDS["alice"])
        expect(agent.locator("li.handoff")).to_have_count(len(conversations))
        # An old free-text reason with an order id reads as its reason, the order beside it.
        late = agent.locator("li.handoff", has_text="261125003371")
        expect(late.locator(".reason")).to_have_text("订单发货延迟 · 订单 261125003371")
        agent.click('li.handoff[data-conversation="buyer_xiaomei"]')
        expect(agent.locator("#intents")).to_contain_text("要求转人工")
        expect(agent.locator("#slots")).to_contain_text("（T001）")
        agent.locator("#transcript .line.buyer .mark-edit").first.click()  # the trainer's pickers too
        expect(agent.locator(".mark-form select[name=intent]")).to_contain_text("问商品信息")
        workbench = agent.evaluate(VISIBLE_TEXT)

        owner = log_in(browser, url, OWNER, OWNER_PASSWORD)
        owner.goto(f"{url}/dashboard")
        expect(owner.locator("body")).to_have_attribute("data-rendered", "yes")
        expect(owner.locator("#chart-reasons svg")).to_contain_text("订单发货延迟")
        expect(owner.locator("#top-items")).to_contain_text("（T001）")
        dashboard = owner.evaluate(VISIBLE_TEXT)
        # One slice per reason (not per order): the three late orders are one slice.
        reasons = {r["key"]: r["count"] for r in owner.request.get(f"{url}/api/metrics").json()["handoff_reasons"]}
        assert len(reasons) == len(HandoffReason) - 1 and reasons["late_dispatch"] == 3

        owner.goto(f"{url}/complaints")
        expect(owner.locator("body")).to_have_attribute("data-rendered", "yes")
        expect(owner.locator('.complaint-item[data-sku="C001"] .share')).to_have_text("无已收货订单")
        expect(owner.locator('.complaint-item[data-sku="T001"] .share')).to_have_text("50.0%")
        report = owner.evaluate(VISIBLE_TEXT)

        publish_missed(store)  # the questions nobody answered, with every action a group offers
        owner.goto(f"{url}/mining")
        expect(owner.locator(".mined-group")).to_have_count(5)
        mining = owner.evaluate(VISIBLE_TEXT)

    for page, text in (("workbench", workbench), ("dashboard", dashboard), ("complaints", report), ("mining", mining)):
        assert english_words(text, ids) == [], page
    shares = [float(share) for share in re.findall(r"占\s*([\d.]+)%", report)]
    assert shares and all(share <= 100 for share in shares)
