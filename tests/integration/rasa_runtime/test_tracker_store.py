"""The tracker store: append-only history, a bounded view, Rasa's semantics kept."""

from __future__ import annotations

import asyncio
import json

import pytest
import redis
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime.tracker_store import ShopTrackerStore, compact, current_session
from bot.settings import PROJECT_ROOT
from bot.store import ConversationKeys

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture
def trackers(redis_client: redis.Redis) -> ShopTrackerStore:
    return ShopTrackerStore(DOMAIN, client=redis_client, keep_turns=3)


def run(coroutine):
    return asyncio.run(coroutine)


def start_session(tracker: DialogueStateTracker, stamp: float) -> None:
    tracker.update(ActionExecuted("action_session_start", timestamp=stamp))
    tracker.update(SessionStarted(timestamp=stamp))
    tracker.update(ActionExecuted("action_listen", timestamp=stamp))


def turn(tracker: DialogueStateTracker, text: str, stamp: float, size: str | None = None) -> None:
    tracker.update(UserUttered(text, {"name": "ask_size", "confidence": 0.9}, timestamp=stamp))
    tracker.update(ActionExecuted("action_recommend_size", timestamp=stamp + 0.1))
    if size:
        tracker.update(SlotSet("size", size, timestamp=stamp + 0.2))
    tracker.update(BotUttered(f"亲 {text}", timestamp=stamp + 0.3))
    tracker.update(ActionExecuted("action_listen", timestamp=stamp + 0.4))


def chat(store: ShopTrackerStore, sender: str, turns: int) -> None:
    """One turn at a time, the way Rasa does: read, add the turn's events, save."""
    tracker = run(store.get_or_create_tracker(sender, append_action_listen=False))
    start_session(tracker, 1.0)
    run(store.save(tracker))
    for n in range(turns):
        tracker = run(store.retrieve(sender))
        turn(tracker, f"第{n}句", 10.0 + n, size="M" if n == 1 else None)
        run(store.save(tracker))


def test_history_is_kept_whole_and_each_event_once(trackers: ShopTrackerStore, redis_client) -> None:
    chat(trackers, "buyer_a", 20)
    full = run(trackers.retrieve_full_tracker("buyer_a"))
    users = [e.text for e in full.events if isinstance(e, UserUttered)]
    assert users == [f"第{n}句" for n in range(20)]
    keys = ConversationKeys("tracker", "lock", "buyer_a")
    stored = [json.loads(line) for line in redis_client.lrange(keys.events, 0, -1)]
    assert len(stored) == len(full.events) == 3 + 20 * 4 + 1  # the one SlotSet


def test_the_view_stays_bounded_and_keeps_the_state(trackers: ShopTrackerStore) -> None:
    chat(trackers, "buyer_b", 50)
    tracker = run(trackers.retrieve("buyer_b"))
    users = [e for e in tracker.events if isinstance(e, UserUttered)]
    assert 3 <= len(users) <= 6  # keep_turns=3: between 3 and 2 × 3 buyer turns
    assert tracker.get_slot("size") == "M"  # set in turn 1, long cut from the view
    assert tracker.latest_message.text == "第49句"
    assert tracker.events[0] == ActionExecuted("action_session_start")


def test_a_short_chat_is_stored_exactly_as_rasa_would(trackers: ShopTrackerStore) -> None:
    chat(trackers, "buyer_c", 4)
    view = run(trackers.retrieve("buyer_c"))
    full = run(trackers.retrieve_full_tracker("buyer_c"))
    assert [e.as_dict() for e in view.events] == [e.as_dict() for e in full.events]


def test_a_new_session_starts_a_new_view(trackers: ShopTrackerStore) -> None:
    chat(trackers, "buyer_d", 2)
    tracker = run(trackers.retrieve("buyer_d"))
    tracker.update(SlotSet("session_started_metadata", {"item_id": "T001"}, timestamp=90))
    start_session(tracker, 91.0)
    turn(tracker, "新的一次", 92.0)
    run(trackers.save(tracker))
    view = run(trackers.retrieve("buyer_d"))
    assert [e.text for e in view.events if isinstance(e, UserUttered)] == ["新的一次"]
    full = run(trackers.retrieve_full_tracker("buyer_d"))
    assert len([e for e in full.events if isinstance(e, UserUttered)]) == 3


def test_a_tracker_not_read_from_the_store_is_merged_like_rasa(trackers: ShopTrackerStore) -> None:
    chat(trackers, "buyer_e", 2)
    full = run(trackers.retrieve_full_tracker("buyer_e"))
    # e.g. Rasa's PUT /conversations/{id}/tracker/events: a tracker built from scratch.
    rebuilt = DialogueStateTracker.from_events("buyer_e", list(full.events), DOMAIN.slots)
    turn(rebuilt, "再问一句", 50.0)
    run(trackers.save(rebuilt))
    after = run(trackers.retrieve_full_tracker("buyer_e"))
    assert len(after.events) == len(full.events) + 4  # only the new events were added


def test_a_second_writer_is_merged_not_lost(trackers: ShopTrackerStore) -> None:
    chat(trackers, "buyer_f", 1)
    first = run(trackers.retrieve("buyer_f"))
    second = run(trackers.retrieve("buyer_f"))
    turn(first, "甲", 20.0)
    turn(second, "乙", 21.0)
    run(trackers.save(first))
    run(trackers.save(second))
    texts = [e.text for e in run(trackers.retrieve_full_tracker("buyer_f")).events if isinstance(e, UserUttered)]
    assert texts == ["第0句", "甲", "乙"]


def test_a_conversation_stored_by_rasas_redis_store_is_carried_over(trackers, redis_client) -> None:
    tracker = DialogueStateTracker("buyer_old", DOMAIN.slots)
    start_session(tracker, 1.0)
    turn(tracker, "老对话", 2.0)
    redis_client.set(
        "tracker:tracker:buyer_old",
        json.dumps(
            tracker.current_state(
                event_verbosity=__import__("rasa.shared.core.trackers", fromlist=["EventVerbosity"]).EventVerbosity.ALL
            )
        ),
    )
    view = run(trackers.retrieve("buyer_old"))
    assert view.latest_message.text == "老对话"
    assert "buyer_old" in run(trackers.keys())
    assert redis_client.get("tracker:tracker:buyer_old") is None


def test_compaction_waits_while_a_form_is_active() -> None:
    tracker = DialogueStateTracker("x", DOMAIN.slots)
    start_session(tracker, 1.0)
    from rasa.shared.core.events import ActiveLoop

    tracker.update(ActiveLoop("size_form", timestamp=2.0))
    for n in range(10):
        turn(tracker, f"{n}", 3.0 + n)
    events = [e.as_dict() for e in tracker.events]
    assert compact(current_session(events), 3, DOMAIN) == events


# -- pinned to Rasa 3.6.21: the semantics this store reproduces -------------------------------


def test_the_session_view_is_the_session_rasa_itself_would_return() -> None:
    from rasa.shared.core.trackers import get_trackers_for_conversation_sessions

    tracker = DialogueStateTracker("s", DOMAIN.slots)
    start_session(tracker, 1.0)
    turn(tracker, "第一次", 2.0)
    tracker.update(SlotSet("session_started_metadata", {"item_id": "T001"}, timestamp=3.0))
    start_session(tracker, 4.0)
    turn(tracker, "第二次", 5.0)
    events = [e.as_dict() for e in tracker.events]
    rasa_last = get_trackers_for_conversation_sessions(tracker)[-1]
    assert current_session(events) == [e.as_dict() for e in rasa_last.events]


def test_a_merge_adds_what_rasas_redis_store_would_add(trackers: ShopTrackerStore) -> None:
    from rasa.core.tracker_store import RedisTrackerStore

    chat(trackers, "buyer_m", 2)
    prior = run(trackers.retrieve_full_tracker("buyer_m"))
    changed = DialogueStateTracker.from_events("buyer_m", list(prior.events)[3:], DOMAIN.slots)
    turn(changed, "再来", 60.0)
    expected = RedisTrackerStore._merge_trackers(prior, changed)
    run(trackers.save(changed))
    merged = run(trackers.retrieve_full_tracker("buyer_m"))
    assert [e.as_dict() for e in merged.events] == [e.as_dict() for e in expected.events]


def test_the_tracker_store_interface_is_the_one_this_store_implements() -> None:
    import inspect

    from rasa.core.tracker_store import TrackerStore
    from rasa.version import __version__

    assert __version__ == "3.6.21"
    # Rasa calls these; a new abstract method in another version would go unimplemented here.
    called = {"save", "retrieve", "retrieve_full_tracker", "keys", "exists", "get_or_create_tracker"}
    interface = {name for name, _ in inspect.getmembers(TrackerStore, inspect.isfunction)}
    assert called <= interface
    for name in ("save", "retrieve", "retrieve_full_tracker", "keys", "exists"):
        assert inspect.iscoroutinefunction(getattr(ShopTrackerStore, name)), name
        assert getattr(ShopTrackerStore, name) is not getattr(TrackerStore, name), name


def _gate_reply(tracker: DialogueStateTracker, text: str, stamp: float) -> None:
    """A turn the channels' gate answered itself (a throttle, 退订), as bot/channels/gate.py stores it."""
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 0.9}, timestamp=stamp))
    tracker.update(BotUttered("亲，您发得太快啦", timestamp=stamp + 0.1))


def _recorded(tracker: DialogueStateTracker, text: str, stamp: float) -> None:
    """A message recorded for the agent who has the chat: no action ran."""
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 0.9}, timestamp=stamp))


@pytest.mark.parametrize("unanswered", [_gate_reply, _recorded])
def test_turns_the_assistant_did_not_run_never_hide_the_next_message(unanswered) -> None:
    # Rasa reads a buyer message only after `action_listen`: a view cut inside a run of such
    # turns must still let the policies see the next message (else: fallback, false handoff).
    tracker = DialogueStateTracker("g", DOMAIN.slots)
    start_session(tracker, 1.0)
    turn(tracker, "开头", 2.0, size="M")
    for n in range(12):
        unanswered(tracker, f"第{n}条", 10.0 + n)
    tracker.update(UserUttered("这件包邮吗", {"name": "ask_free_shipping", "confidence": 0.9}, timestamp=30.0))
    events = [e.as_dict() for e in tracker.events]
    view = compact(current_session(events), 3, DOMAIN)
    assert len([e for e in view if e["event"] == "user"]) < 13  # it was compacted
    compacted = DialogueStateTracker.from_dict("g", view, DOMAIN.slots)
    assert compacted.get_slot("size") == "M"
    latest = compacted.past_states(DOMAIN)[-1]
    assert latest.get("user", {}).get("intent") == "ask_free_shipping"
    assert latest == tracker.past_states(DOMAIN)[-1]


def test_a_save_sends_its_new_events_and_rewrites_the_view_only_where_it_is_cut(trackers, redis_client) -> None:
    rewrites = []
    append = trackers._append_events
    trackers._append_events = lambda keys, length, new, view, rewrite_view: (
        rewrites.append(rewrite_view) or append(keys, length, new, view, rewrite_view)
    )
    chat(trackers, "buyer_g", 20)
    assert 0 < rewrites.count(True) <= 6 and rewrites.count(False) >= 14  # keep_turns=3: cut every 3-4 turns
    keys = ConversationKeys("tracker", "lock", "buyer_g")
    assert set(redis_client.hgetall(keys.view)) == {"length"}
    from_redis = run(ShopTrackerStore(DOMAIN, client=redis_client, keep_turns=3, recent_trackers=0).retrieve("buyer_g"))
    kept = run(trackers.retrieve("buyer_g"))  # the tracker this store saved last
    assert [e.as_dict() for e in from_redis.events] == [e.as_dict() for e in kept.events]
    assert [json.loads(line) for line in redis_client.lrange(keys.view_events, 0, -1)] == [e.as_dict() for e in kept.events]


def test_a_view_stored_as_one_value_is_read_and_then_written_as_a_list(trackers, redis_client) -> None:
    chat(trackers, "buyer_h", 2)
    keys = ConversationKeys("tracker", "lock", "buyer_h")
    view = [json.loads(line) for line in redis_client.lrange(keys.view_events, 0, -1)]
    redis_client.delete(keys.view_events)  # as the store wrote a view before the list
    redis_client.hset(keys.view, "events", json.dumps(view, ensure_ascii=False))
    reader = ShopTrackerStore(DOMAIN, client=redis_client, keep_turns=3, recent_trackers=0)
    tracker = run(reader.retrieve("buyer_h"))
    assert [e.as_dict() for e in tracker.events] == view
    turn(tracker, "再来一句", 30.0)
    run(reader.save(tracker))
    assert set(redis_client.hgetall(keys.view)) == {"length"}
    stored = [json.loads(line) for line in redis_client.lrange(keys.view_events, 0, -1)]
    assert stored == [e.as_dict() for e in tracker.events]
    assert [e.as_dict() for e in run(reader.retrieve("buyer_h")).events] == stored


def test_a_view_extended_turn_by_turn_is_the_view_computed_from_all_its_events(trackers) -> None:
    from rasa.shared.core.events import ActiveLoop

    from bot.rasa_runtime.tracker_store import StoredView
    from bot.store import event_json

    tracker = DialogueStateTracker("buyer_i", DOMAIN.slots)
    start_session(tracker, 1.0)
    view, _cut = trackers._next_view([e.as_dict() for e in tracker.events])
    seen = 0
    for n in range(30):
        before = len(tracker.events)
        if n == 12:
            tracker.update(ActiveLoop("size_form"))  # a form in progress: the view is not cut
        if n == 16:
            tracker.update(ActiveLoop(None))
        if n == 20:
            start_session(tracker, 100.0 + n)  # a new session mid-chat
        turn(tracker, f"第{n}句", 10.0 + n)
        new = [e.as_dict() for e in list(tracker.events)[before:]]
        extended, cut = trackers._extended_view(view, new, [event_json(e) for e in new])
        expected, expected_cut = trackers._next_view(view.events() + new)
        assert (extended.events(), extended.buyer_messages, cut) == (expected.events(), expected.buyer_messages, expected_cut), n
        seen += cut
        view = StoredView.of(extended.events())
    assert seen >= 4  # cuts by keep_turns and by the new session were both taken
