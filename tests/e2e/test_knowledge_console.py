"""The owner teaches the assistant without a restart, in a real headless Chromium on `make run
REPLICAS=2` (two Rasa servers behind nginx): an entry added on the 知识库 page answers a buyer's
paraphrase on the chat page within 5 s, and every replica answers it; disabled, no buyer gets it.
The transcript the agent reads names the entry as the answer's source."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import List

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from bot.console.auth import hash_password
from bot.console.summary import transcript
from bot.handoff.delivery import rasa_api_token
from bot.runner import wait_for
from tests.e2e.test_runner import assert_all_stopped, rasa_servers, start_runner

pytestmark = pytest.mark.e2e

SECRET = "knowledge-e2e-console-secret"
OWNER, PASSWORD = "boss", "boss-password-kb"
QUESTION = "可以以旧换新吗"
ANSWER = "亲，本店暂时没有以旧换新活动哦，旧衣服可以投放到小区的旧衣回收箱～"
PARAPHRASE = "家里一堆旧衣服，你们能回收吗"  # no words of the question; the keyword 旧衣服 reaches it


def replica_ports(runner) -> List[int]:  # type: ignore[no-untyped-def]
    ports = []
    for server in rasa_servers(runner):
        arguments = server.cmdline()
        ports.append(int(arguments[arguments.index("--port") + 1]))
    return ports


def each_replica_says(ports: List[int], sender: str) -> List[str]:
    """The paraphrase sent straight to every replica, one new buyer each: their joined replies."""
    replies = []
    for port in ports:
        response = requests.post(
            f"http://127.0.0.1:{port}/webhooks/rest/webhook",
            json={"sender": f"{sender}_{port}", "message": PARAPHRASE},
            timeout=60,
        )
        response.raise_for_status()
        replies.append(" ".join(m.get("text", "") for m in response.json()))
    return replies


def say(chat: Page, text: str) -> int:
    """Send as the buyer; the number of assistant messages before this one."""
    before = chat.locator(".msg.assistant").count()
    chat.fill("#text", text)
    chat.press("#text", "Enter")
    expect(chat.locator(".msg.buyer").last).to_have_text(text)
    return before


def test_an_owner_adds_an_entry_every_replica_answers_it_and_disabling_stops_it(tmp_path: Path, browser: Browser) -> None:
    runner, ports = start_runner(
        tmp_path,
        REPLICAS="2",
        CONSOLE_SECRET=SECRET,
        CONSOLE_OWNERS=f"{OWNER}:{hash_password(PASSWORD)}",
    )
    console_url, rasa_url = f"http://127.0.0.1:{ports.console}", f"http://127.0.0.1:{ports.rasa}"
    try:
        wait_for(f"{console_url}/healthz", runner, 900)  # after both replicas and nginx
        replicas = replica_ports(runner)
        assert len(replicas) == 2
        expect.set_options(timeout=60_000)

        # The buyer's chat is open (through nginx) before the owner teaches anything.
        chat = browser.new_context().new_page()
        chat.goto(f"{console_url}/chat?buyer=buyer_kb")
        expect(chat.locator("#connection")).to_have_attribute("data-state", "ready")
        before = say(chat, "在吗")
        expect(chat.locator(".msg.assistant").nth(before)).to_be_visible()
        assert all(ANSWER not in reply for reply in each_replica_says(replicas, "before"))

        # The owner adds the entry on the 知识库 page.
        owner = browser.new_context().new_page()
        owner.goto(f"{console_url}/login")
        owner.fill("input[name=name]", OWNER)
        owner.fill("input[name=password]", PASSWORD)
        owner.click("button[type=submit]")
        owner.goto(f"{console_url}/knowledge")
        expect(owner.locator("body")).to_have_attribute("data-loaded", "yes")
        owner.click("#new-entry")
        owner.fill("#entry-form [name=question]", QUESTION)
        owner.fill("#entry-form [name=similar]", "能拿旧衣服换新的吗\n旧衣服抵钱吗")
        owner.fill("#entry-form [name=keywords]", "以旧换新\n旧衣服\n旧衣回收")
        owner.fill("#entry-form [name=answer]", "")
        owner.click("#save")  # an empty answer is refused, in Chinese, and the form keeps the rest
        expect(owner.locator("#form-error")).to_have_text("「答案」不能为空")
        owner.fill("#entry-form [name=answer]", ANSWER)
        owner.click("#save")
        expect(owner.locator("#status")).to_contain_text(f"已保存：{QUESTION}")
        saved = time.monotonic()

        # The buyer's paraphrase gets the answer within 5 s, and so does every replica.
        before = say(chat, PARAPHRASE)
        expect(chat.locator(".msg.assistant").nth(before)).to_contain_text(ANSWER, timeout=5_000)
        assert time.monotonic() - saved < 5
        assert all(ANSWER in reply for reply in each_replica_says(replicas, "added"))

        # 试一试 shows the entry the paraphrase reaches.
        owner.fill("#try-text", PARAPHRASE)
        owner.click("#try-form button")
        expect(owner.locator("#try-result")).to_have_text(f"知识库：「{QUESTION}」（关键词「旧衣服」命中）")

        # The agent's transcript names the entry as the answer's source (from the real tracker).
        tracker = requests.get(
            f"{rasa_url}/conversations/buyer_kb/tracker", params={"token": rasa_api_token(SECRET)}, timeout=30
        ).json()
        keys = [
            e["value"]
            for e in tracker["events"]
            if e.get("event") == "slot" and e.get("name") == "answer_source" and e.get("value")
        ]
        assert keys and keys[-1].startswith("knowledge:own_")
        lines = transcript(tracker, {keys[-1].split(":", 1)[1]: QUESTION})
        answered = [line for line in lines if ANSWER in line.text]
        assert answered and answered[-1].source is not None and answered[-1].source.text == f"知识库：「{QUESTION}」"

        # Disabled: neither the chat page's buyer nor any replica gets it any more.
        owner.locator("#entries tr", has_text=QUESTION).locator("button", has_text="停用").click()
        expect(owner.locator("#status")).to_contain_text(f"已停用：{QUESTION}")
        expect(owner.locator("#entries tr", has_text=QUESTION)).to_contain_text("已停用")
        before = say(chat, PARAPHRASE)
        expect(chat.locator(".msg.assistant").nth(before)).to_be_visible()
        assert ANSWER not in chat.locator(".msg.assistant").nth(before).inner_text()
        assert all(ANSWER not in reply for reply in each_replica_says(replicas, "disabled"))
    finally:
        runner.send_signal(signal.SIGINT)
        assert runner.wait(timeout=90) == 0
    assert_all_stopped(ports)
