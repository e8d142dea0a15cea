"""The channels' gate reads a chat once per message, in one round trip (bot/channels/view.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.channels.records import ChannelRecords
from bot.channels.view import read_chat
from bot.handoff.queue import HandoffQueue
from bot.models import HandoffReason, ShopData
from bot.store import ShopStore
from tests.conftest import outreach_of

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=timezone.utc)


def read(store: ShopStore, queue: HandoffQueue, sender: str):
    return read_chat(queue, ChannelRecords(store.client, store.shop_id), outreach_of(store), sender, 10, NOW)


def test_one_read_holds_the_count_the_follow_up_the_policy_the_handoff_and_who_is_online(
    store: ShopStore, demo: ShopData
) -> None:
    queue = HandoffQueue(store, clock=lambda: NOW)
    queue.records.mark_agent_online("alice", NOW + timedelta(seconds=30))
    queue.records.mark_agent_online("bob", NOW - timedelta(seconds=1))  # his heartbeat stopped
    outreach_of(store).ask_follow_up("buyer_xiaomei", "261120001234", 3600)
    queue.request("buyer_xiaomei", "buyer_xiaomei", HandoffReason.buyer_asked, "转人工")

    first = read(store, queue, "buyer_xiaomei")
    assert first.messages_in_window == 1 and first.follow_up_order == "261120001234"
    assert first.policy == demo.shop.policy and first.agents_online == ["alice"]
    assert first.handoff is not None and first.handoff.reason is HandoffReason.buyer_asked
    assert read(store, queue, "buyer_xiaomei").messages_in_window == 2  # every message counts

    other = read(store, queue, "buyer_dawei")
    assert (other.messages_in_window, other.follow_up_order, other.handoff) == (1, None, None)


def test_the_reads_go_in_one_pipeline_and_nothing_else(store: ShopStore, demo: ShopData, monkeypatch) -> None:
    def refused(*args, **kwargs):
        raise AssertionError(f"a read outside the pipeline: {args}")

    monkeypatch.setattr(store.client, "execute_command", refused)  # the pipeline has its own
    executed = []
    pipeline = store.client.pipeline

    def counted(*args, **kwargs):
        pipe = pipeline(*args, **kwargs)
        execute = pipe.execute
        pipe.execute = lambda *a, **k: executed.append(len(pipe.command_stack)) or execute(*a, **k)
        return pipe

    monkeypatch.setattr(store.client, "pipeline", counted)
    view = read(store, HandoffQueue(store, clock=lambda: NOW), "buyer_xiaomei")
    assert view.messages_in_window == 1 and view.handoff is None
    assert executed == [6]  # rate window and count, follow-up, shop, handoff, who is online


def test_a_shop_not_loaded_fails_the_read(store: ShopStore) -> None:
    with pytest.raises(LookupError):
        read(store, HandoffQueue(store, clock=lambda: NOW), "buyer_xiaomei")
