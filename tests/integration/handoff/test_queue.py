"""The handoff queue against a real Redis: one holder per chat, durable log, idempotent requests."""

from __future__ import annotations

import threading
from typing import List

import pytest

from bot.handoff.queue import (
    HandoffEnded,
    HandoffNotClaimed,
    HandoffNotFound,
    HandoffQueue,
    HandoffTaken,
)
from bot.models import HandoffEventKind, HandoffReason, HandoffState
from bot.store import ShopStore


@pytest.fixture
def queue(store: ShopStore) -> HandoffQueue:
    return HandoffQueue(store)


def test_a_request_queues_the_chat_and_silences_the_assistant(queue: HandoffQueue) -> None:
    assert not queue.with_human("c1")
    handoff = queue.request("c1", "buyer_xiaomei", HandoffReason.buyer_asked, "转人工")
    assert handoff.state is HandoffState.waiting and handoff.last_message == "转人工"
    assert queue.with_human("c1")
    assert [h.conversation_id for h in queue.open_handoffs()] == ["c1"]


def test_asking_again_while_queued_changes_nothing(queue: HandoffQueue) -> None:
    first = queue.request("c1", "b", HandoffReason.buyer_asked)
    queue.claim("c1", "alice")
    again = queue.request("c1", "b", HandoffReason.buyer_upset)
    assert again.state is HandoffState.claimed and again.claimed_by == "alice"
    assert again.reason == first.reason
    assert [e.kind for e in queue.history("c1")] == [HandoffEventKind.requested, HandoffEventKind.claimed]


def test_open_handoffs_come_oldest_first(queue: HandoffQueue) -> None:
    for conversation in ("c1", "c2", "c3"):
        queue.request(conversation, "b", HandoffReason.buyer_asked)
    queue.hand_back("c2", "alice")  # unclaimed: any agent may hand it back
    assert [h.conversation_id for h in queue.open_handoffs()] == ["c1", "c3"]


def test_two_agents_cannot_claim_the_same_chat(queue: HandoffQueue) -> None:
    queue.request("c1", "b", HandoffReason.buyer_asked)
    winners: List[str] = []
    losers: List[str] = []
    agents = [f"agent{i}" for i in range(12)]
    barrier = threading.Barrier(len(agents))

    def claim(agent: str) -> None:
        barrier.wait()
        try:
            queue.claim("c1", agent)
            winners.append(agent)
        except HandoffTaken as error:
            losers.append(error.holder)

    threads = [threading.Thread(target=claim, args=(a,)) for a in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    assert set(losers) == set(winners) and len(losers) == len(agents) - 1
    assert queue.get("c1").claimed_by == winners[0]
    claims = [e for e in queue.history("c1") if e.kind is HandoffEventKind.claimed]
    assert [e.agent for e in claims] == winners


def test_only_the_holder_can_reply_hand_back_or_close(queue: HandoffQueue) -> None:
    queue.request("c1", "b", HandoffReason.buyer_asked)
    with pytest.raises(HandoffNotClaimed):
        queue.check_holder("c1", "alice")
    queue.claim("c1", "alice")
    assert queue.claim("c1", "alice").claimed_by == "alice"  # claiming again is harmless
    with pytest.raises(HandoffTaken):
        queue.check_holder("c1", "bob")
    with pytest.raises(HandoffTaken):
        queue.hand_back("c1", "bob")
    with pytest.raises(HandoffTaken):
        queue.close("c1", "bob")
    assert queue.check_holder("c1", "alice").claimed_by == "alice"
    assert queue.get("c1").state is HandoffState.claimed


def test_hand_back_ends_the_handoff_and_a_new_request_starts_fresh(queue: HandoffQueue) -> None:
    queue.request("c1", "b", HandoffReason.buyer_asked)
    queue.claim("c1", "alice")
    queue.record_reply("c1", "alice", "亲，我来帮您看看")
    returned = queue.hand_back("c1", "alice")
    assert returned.state is HandoffState.returned and returned.ended_by == "alice"
    assert not queue.with_human("c1") and queue.open_handoffs() == []
    with pytest.raises(HandoffEnded):
        queue.close("c1", "alice")
    with pytest.raises(HandoffEnded):
        queue.claim("c1", "bob")
    again = queue.request("c1", "b", HandoffReason.not_understood)
    assert again.state is HandoffState.waiting and again.claimed_by is None and again.reason is HandoffReason.not_understood
    kinds = [e.kind.value for e in queue.history("c1")]
    assert kinds == ["requested", "claimed", "replied", "handed_back", "requested"]
    assert queue.history("c1")[2].text == "亲，我来帮您看看"


def test_close_ends_the_handoff(queue: HandoffQueue) -> None:
    queue.request("c1", "b", HandoffReason.buyer_asked)
    queue.claim("c1", "alice")
    assert queue.close("c1", "alice").state is HandoffState.closed
    assert not queue.with_human("c1")


def test_unknown_conversations(queue: HandoffQueue) -> None:
    with pytest.raises(HandoffNotFound):
        queue.claim("nobody", "alice")
    with pytest.raises(HandoffNotFound):
        queue.hand_back("nobody", "alice")
    with pytest.raises(HandoffNotFound):
        queue.get("nobody")
