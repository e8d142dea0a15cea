"""Keeping in touch, on the real Rasa server, with the shop's clock frozen at DEMO_NOW (the 26th of
November, 14:00, in working hours): birthday wishes and follow-ups only where allowed and never
twice across restarts, follow-up answers understood in the chat, 退订 honoured at once, and a
campaign that sends nobody twice."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Iterator, List

import pytest

from bot.clock import fixed_clock
from bot.console.callback import ShopCallback
from bot.console.rasa_client import RasaClient
from bot.models import Satisfaction
from bot.outreach.scheduler import OutreachScheduler, Tick
from bot.outreach.sender import SHOP_SENDER, OutreachSender
from bot.settings import PROJECT_ROOT
from tests.conftest import DEMO_NOW, handoffs_of, outreach_of
from tests.e2e.conftest import CONSOLE_SECRET, Stack, end_handoff

pytestmark = pytest.mark.e2e

DEMO_BUYERS = ("buyer_xiaomei", "buyer_ahua", "buyer_lili", "buyer_dawei", "buyer_chenchen")
# Delivered 3 to 10 days before DEMO_NOW (follow_up_days: 3 in the demo policy).
FOLLOW_UPS = {
    "buyer_xiaomei": "261115009921",
    "buyer_dawei": "261117015566",
    "buyer_ahua": "261118026603",
    "buyer_chenchen": "261120027731",
}


def tick(stack: Stack, now: datetime = DEMO_NOW) -> Tick:
    """One scheduler tick in a fresh process-like instance (what a restart gives), at `now`."""

    async def once() -> Tick:
        sender = OutreachSender(stack.store, RasaClient(stack.assistant.url, CONSOLE_SECRET), ShopCallback(None))
        try:
            return await OutreachScheduler(sender, fixed_clock(now)).tick()
        finally:
            await sender.close()

    return asyncio.run(once())


def shop_messages(stack: Stack, buyer: str) -> List[str]:
    events = stack.assistant.tracker(buyer).get("events") or []
    return [e["text"] for e in events if e.get("event") == "bot" and (e.get("metadata") or {}).get("agent") == SHOP_SENDER]


@pytest.fixture(scope="module")
def ticked(stack: Stack) -> Iterator[Tick]:
    store = stack.store
    before = {buyer: len(shop_messages(stack, buyer)) for buyer in DEMO_BUYERS}
    assert all(n == 0 for n in before.values()), "the stack's buyers got shop messages before this test"
    try:
        yield tick(stack)
    finally:
        for buyer in DEMO_BUYERS:  # later tests chat as these buyers
            outreach_of(store).forget_follow_up(buyer)
            end_handoff(store, buyer)


def test_birthday_wishes_and_follow_ups_go_once_and_only_where_allowed(stack: Stack, ticked: Tick) -> None:
    assert (ticked.birthdays, ticked.follow_ups) == (1, 4)
    wish = [t for t in shop_messages(stack, "buyer_ahua") if "生日" in t]
    assert len(wish) == 1 and "10元生日券" in wish[0] and "满99元可用" in wish[0]  # the shop's real coupon
    assert not [t for t in shop_messages(stack, "buyer_lili") if "生日" in t]  # her birthday too, no consent
    for buyer, order in FOLLOW_UPS.items():
        assert outreach_of(stack.store).pending_follow_up(buyer) == order
        assert len([t for t in shop_messages(stack, buyer) if "满意" in t]) == 1
    # A restart: the next tick finds everything sent.
    assert tick(stack) == Tick(0, 0)
    assert len(shop_messages(stack, "buyer_ahua")) == 2  # one wish, one follow-up


def test_a_send_left_half_done_by_a_dead_run_is_finished_once(stack: Stack, ticked: Tick) -> None:
    store = stack.store
    key = f"follow_up:{FOLLOW_UPS['buyer_dawei']}"
    # The run died after the Rasa server had the message but before it marked it sent.
    store.client.set(store._key("outreach", key), "sending:0")
    before = shop_messages(stack, "buyer_dawei")
    assert tick(stack).follow_ups == 1  # taken over and delivered again …
    assert shop_messages(stack, "buyer_dawei") == before  # … which the Rasa server knew: not shown twice
    assert outreach_of(store).send_state(key) == "sent"


def test_follow_up_answers_are_understood_in_the_chat(stack: Stack, ticked: Tick) -> None:
    assistant, store = stack.assistant, stack.store
    unhappy = "".join(assistant.say("buyer_chenchen", "不满意"))
    assert "抱歉" in unhappy and "7天内可以申请退换（内衣、袜子除外）" in unhappy and "售后同事" in unhappy
    assert outreach_of(store).follow_up_answer(FOLLOW_UPS["buyer_chenchen"]).rating is Satisfaction.unsatisfied
    assert handoffs_of(store).handoff("buyer_chenchen").reason == "unhappy_follow_up"
    happy = "".join(assistant.say("buyer_xiaomei", "5分"))
    assert "谢谢亲的认可" in happy
    answer = outreach_of(store).follow_up_answer(FOLLOW_UPS["buyer_xiaomei"])
    assert answer.rating is Satisfaction.satisfied and answer.words == "5分"
    # Answered: the next 满意 is an ordinary message for the assistant, not a second rating.
    assert outreach_of(store).pending_follow_up("buyer_xiaomei") is None
    slots = [
        e for e in assistant.tracker("buyer_xiaomei")["events"] if e.get("event") == "slot" and e.get("name") == "satisfaction"
    ]
    assert [s["value"] for s in slots] == ["satisfied"]


def test_unsubscribe_is_honoured_at_once_and_a_campaign_sends_nobody_twice(stack: Stack, ticked: Tick, tmp_path: Path) -> None:
    reply = "".join(stack.assistant.say("buyer_dawei", "退订"))
    assert "已经为您退订" in reply
    assert outreach_of(stack.store).opted_out_at("buyer_dawei") is not None
    campaign = tmp_path / "winter.yml"
    campaign.write_text(
        "id: winter-new\n"
        "text: 亲，暖棉小铺冬季加绒卫衣上新啦～回复退订可不再接收\n"
        "send_window: {start: '2026-11-26T10:00:00+08:00', end: '2026-11-27T21:00:00+08:00'}\n"
        "frequency_cap: {max_messages: 1, per_days: 7}\n",
        encoding="utf-8",
    )
    env = {**stack.env, "REDIS_URL": stack.redis.url}

    def campaign_run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "campaign", str(campaign), *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    dry = campaign_run("--dry-run")
    assert "would send  buyer_xiaomei" in dry
    assert "skip        buyer_dawei: replied 退订" in dry
    assert "skip        buyer_lili: no marketing consent" in dry and "skip        buyer_chenchen: no marketing consent" in dry
    assert "skip        buyer_ahua: frequency cap" in dry  # her birthday wish today
    assert not [t for t in shop_messages(stack, "buyer_xiaomei") if "上新" in t]  # a dry run sends nothing
    assert "sent 1 of 1" in campaign_run()
    assert "0 to send" in campaign_run() and "already sent this campaign" in campaign_run("--dry-run")
    assert len([t for t in shop_messages(stack, "buyer_xiaomei") if "上新" in t]) == 1
    assert not [t for t in shop_messages(stack, "buyer_dawei") if "上新" in t]


def test_a_buyer_who_never_chatted_gets_a_normal_answer_after_a_shop_message(stack: Stack) -> None:
    import uuid

    buyer = f"visitor-{uuid.uuid4().hex[:8]}"

    async def send() -> bool:
        sender = OutreachSender(stack.store, RasaClient(stack.assistant.url, CONSOLE_SECRET), ShopCallback(None))
        try:
            return await sender.send_once(f"campaign:first-contact:{buyer}", buyer, "亲，店里上新啦～", DEMO_NOW, marketing=True)
        finally:
            await sender.close()

    assert asyncio.run(send())
    events = stack.assistant.tracker(buyer)["events"]
    assert [e.get("name") for e in events if e["event"] == "action"][:2] == ["action_session_start", "action_listen"]
    greeting = "".join(stack.assistant.say(buyer, "亲 在吗"))
    assert stack.store.shop().name in greeting  # the greeting, not "I did not understand"


def test_a_campaign_after_a_plain_make_run_uses_the_generated_console_secret(
    stack: Stack, ticked: Tick, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # `make run` without CONSOLE_SECRET generates one into .run/console_secret for the console and
    # the Rasa server; the campaign command reads it the same way (here: a file of this test's).
    from bot import cli
    from bot.console import secret

    generated = tmp_path / "console_secret"
    generated.write_text(CONSOLE_SECRET + "\n", encoding="utf-8")
    monkeypatch.setattr(secret, "SECRET_FILE", generated)
    for name, value in {**stack.env, "REDIS_URL": stack.redis.url}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CONSOLE_SECRET")
    campaign = tmp_path / "spring.yml"
    campaign.write_text(
        "id: spring-secret\n"
        "text: 亲，暖棉小铺春季新品预告～回复退订可不再接收\n"
        "send_window: {start: '2026-11-26T10:00:00+08:00', end: '2026-11-27T21:00:00+08:00'}\n"
        "frequency_cap: {max_messages: 5, per_days: 7}\n",
        encoding="utf-8",
    )
    assert cli.main(["campaign", str(campaign)]) == 0
    out = capsys.readouterr()
    import re

    sent = re.search(r"^sent (\d+) of \1$", out.out, re.MULTILINE)  # every one planned was delivered
    assert "CONSOLE_SECRET" not in out.err and sent and int(sent.group(1)) >= 1, out
    assert len([t for t in shop_messages(stack, "buyer_xiaomei") if "春季" in t]) == 1
