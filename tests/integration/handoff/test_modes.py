"""Who answers while a chat is handed off: the shop's mode, working hours, agents online."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.handoff.queue import HandoffQueue
from bot.handoff.request import request_handoff
from bot.handoff.rules import assistant_answers, has_words, owes_wait_update, queues_new_chat
from bot.models import Handoff, HandoffMode, HandoffReason, HandoffState, ShopData
from bot.store import ShopStore
from tests.conftest import DEMO_NOW, handoffs_of

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=timezone.utc)  # 14:00 in Shanghai


def handoff(state: HandoffState, minutes_ago: float = 1) -> Handoff:
    return Handoff(
        conversation_id="c",
        buyer_id="c",
        reason=HandoffReason.buyer_asked,
        state=state,
        created_at=NOW - timedelta(minutes=minutes_ago),
    )


def policy(demo: ShopData, mode: HandoffMode, wait: int = 10):
    return demo.shop.policy.copy(update={"handoff_mode": mode, "handoff_wait_minutes": wait})


@pytest.mark.parametrize("mode", list(HandoffMode))
def test_a_claimed_chat_is_the_agents_and_a_waiting_one_is_answered(demo: ShopData, mode) -> None:
    shop = policy(demo, mode)
    assert assistant_answers(None, shop, True, True, NOW)
    assert not assistant_answers(handoff(HandoffState.claimed), shop, False, False, NOW)
    assert assistant_answers(handoff(HandoffState.returned), shop, True, True, NOW)
    for in_hours, online in ((False, False), (False, True), (True, False)):
        assert assistant_answers(handoff(HandoffState.waiting), shop, in_hours, online, NOW), (in_hours, online)


def test_human_first_waits_for_an_online_agent_only_as_long_as_the_shop_says(demo: ShopData) -> None:
    shop = policy(demo, HandoffMode.human_first, wait=10)
    assert not assistant_answers(handoff(HandoffState.waiting, minutes_ago=3), shop, True, True, NOW)
    assert assistant_answers(handoff(HandoffState.waiting, minutes_ago=11), shop, True, True, NOW)
    assert assistant_answers(handoff(HandoffState.waiting, minutes_ago=3), shop, True, False, NOW)
    assert assistant_answers(handoff(HandoffState.waiting, minutes_ago=3), shop, False, True, NOW)
    assert queues_new_chat(shop, True, True, ever_handed_off=False)
    assert not queues_new_chat(shop, True, True, ever_handed_off=True)
    assert not queues_new_chat(shop, False, True, ever_handed_off=False)
    assert not queues_new_chat(shop, True, False, ever_handed_off=False)
    for mode in (HandoffMode.assistant_first, HandoffMode.assistant_only):
        assert not queues_new_chat(policy(demo, mode), True, True, ever_handed_off=False)


def test_one_wait_update_after_the_wait_in_working_hours(demo: ShopData) -> None:
    shop = policy(demo, HandoffMode.assistant_first, wait=10)
    assert not owes_wait_update(handoff(HandoffState.waiting, 5), shop, True, NOW)
    assert owes_wait_update(handoff(HandoffState.waiting, 15), shop, True, NOW)
    assert not owes_wait_update(handoff(HandoffState.waiting, 15), shop, False, NOW)  # night
    assert not owes_wait_update(handoff(HandoffState.claimed, 15), shop, True, NOW)
    told = handoff(HandoffState.waiting, 15).copy(update={"wait_update_at": NOW})
    assert not owes_wait_update(told, shop, True, NOW)


def test_the_queue_gives_the_wait_update_once(store: ShopStore, demo: ShopData) -> None:
    long_ago = NOW - timedelta(minutes=30)
    queue = HandoffQueue(store, clock=lambda: long_ago)
    queue.request("c", "c", HandoffReason.buyer_asked)
    later = HandoffQueue(store, clock=lambda: NOW)
    assert later.take_wait_update("c", DEMO_NOW) is True
    assert later.take_wait_update("c", DEMO_NOW) is False


@pytest.mark.parametrize("text", ["", "   ", "😀", "\x00", "\u200b", "👍👍"])
def test_messages_without_words_are_never_misunderstood(text: str) -> None:
    assert not has_words(text)


@pytest.mark.parametrize("text", ["包邮吗", "165", "ok", "M码？"])
def test_words_count(text: str) -> None:
    assert has_words(text)


def test_presence_expires(store: ShopStore) -> None:
    handoffs_of(store).mark_agent_online("alice", NOW + timedelta(seconds=30))
    handoffs_of(store).mark_agent_online("bob", NOW - timedelta(seconds=1))
    assert handoffs_of(store).agents_online(NOW) == ["alice"]
    assert handoffs_of(store).agents_online(NOW + timedelta(seconds=31)) == []
    handoffs_of(store).mark_agent_online("alice", NOW + timedelta(seconds=30))
    handoffs_of(store).mark_agent_offline("alice")
    assert handoffs_of(store).agents_online(NOW) == []


def test_assistant_only_records_the_request_and_queues_nothing(store: ShopStore, demo: ShopData) -> None:
    shop = demo.shop.copy(update={"policy": policy(demo, HandoffMode.assistant_only)})
    store.write_all(demo.copy(update={"shop": shop}))
    outcome = request_handoff(store, "c", "c", HandoffReason.buyer_asked, "转人工", lambda: DEMO_NOW)
    assert outcome.queued is False
    assert handoffs_of(store).handoff("c") is None and handoffs_of(store).open_handoffs() == []
    (request,) = store.requests("handoff")
    assert request.details["queued"] == "no"
