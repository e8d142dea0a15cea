"""The tracker a turn saved starts the next turn on the same server, and only when it is exactly
what Redis holds (bot/rasa_runtime/recent_trackers.py)."""

from __future__ import annotations

import redis
from rasa.shared.core.events import SlotSet, UserUttered

from bot.rasa_runtime.recent_trackers import RecentTrackers
from bot.rasa_runtime.tracker_store import ShopTrackerStore
from tests.integration.rasa_runtime.test_tracker_store import DOMAIN, chat, run, start_session, turn


def store(client: redis.Redis, **kwargs) -> ShopTrackerStore:
    return ShopTrackerStore(DOMAIN, client=client, keep_turns=3, **kwargs)


def as_read_from_redis(client: redis.Redis, sender: str):
    """What a server that never saw this conversation would start from."""
    return run(store(client, recent_trackers=0).retrieve(sender))


def same_state(a, b) -> bool:
    return [e.as_dict() for e in a.events] == [
        e.as_dict() for e in b.events
    ] and a.current_slot_values() == b.current_slot_values()


def test_every_turn_starts_from_what_redis_holds_and_mostly_without_reading_it(redis_client: redis.Redis) -> None:
    server = store(redis_client)
    tracker = run(server.get_or_create_tracker("buyer_r", append_action_listen=False))
    start_session(tracker, 1.0)
    run(server.save(tracker))
    kept = 0
    for n in range(30):  # keep_turns=3: the view is cut every few turns
        before = server.recent.has("buyer_r")
        tracker = run(server.retrieve("buyer_r"))
        assert same_state(tracker, as_read_from_redis(redis_client, "buyer_r")), n
        kept += before
        turn(tracker, f"第{n}句", 10.0 + n, size="S" if n == 2 else None)
        run(server.save(tracker))
    assert 15 <= kept < 30  # kept after most turns; never after one that cut the view
    assert run(server.retrieve("buyer_r")).get_slot("size") == "S"


def test_the_kept_tracker_is_the_one_saved(redis_client: redis.Redis) -> None:
    server = store(redis_client)
    chat(server, "buyer_s", 1)
    tracker = run(server.retrieve("buyer_s"))
    turn(tracker, "还在吗", 30.0)
    run(server.save(tracker))
    assert run(server.retrieve("buyer_s")) is tracker


def test_another_servers_turn_is_read_from_redis(redis_client: redis.Redis) -> None:
    first, second = store(redis_client), store(redis_client)
    chat(first, "buyer_t", 1)
    tracker = run(second.retrieve("buyer_t"))
    turn(tracker, "另一台服务器", 40.0)
    run(second.save(tracker))
    on_first = run(first.retrieve("buyer_t"))
    assert on_first.latest_message.text == "另一台服务器"
    assert same_state(on_first, as_read_from_redis(redis_client, "buyer_t"))


def test_a_turn_that_failed_before_saving_leaves_nothing_behind(redis_client: redis.Redis) -> None:
    server = store(redis_client)
    chat(server, "buyer_u", 1)
    tracker = run(server.retrieve("buyer_u"))
    run(server.save(tracker))  # saved with nothing new: kept
    tracker = run(server.retrieve("buyer_u"))
    tracker.update(UserUttered("没存下的一句", {"name": "greet", "confidence": 0.9}, timestamp=50.0))
    tracker.update(SlotSet("size", "XL", timestamp=50.1))  # the turn raised here: no save
    again = run(server.retrieve("buyer_u"))
    assert again is not tracker
    assert again.latest_message.text == "第0句" and again.get_slot("size") is None


def test_a_second_reader_while_a_turn_runs_gets_its_own_tracker(redis_client: redis.Redis) -> None:
    server = store(redis_client)
    chat(server, "buyer_v", 1)
    in_turn = run(server.retrieve("buyer_v"))
    turn(in_turn, "进行中", 60.0)
    reader = run(server.retrieve("buyer_v"))
    assert reader is not in_turn and reader.latest_message.text == "第0句"


def test_a_tracker_that_grew_since_it_was_kept_is_not_handed_out(redis_client: redis.Redis) -> None:
    server = store(redis_client)
    chat(server, "buyer_w", 1)
    tracker = run(server.retrieve("buyer_w"))
    run(server.save(tracker))
    tracker.update(SlotSet("size", "L", timestamp=70.0))  # changed after its save, never saved
    assert run(server.retrieve("buyer_w")) is not tracker


def test_the_table_keeps_the_most_recently_saved() -> None:
    table = RecentTrackers(capacity=2)
    trackers = {}
    for sender in ("a", "b", "c"):
        trackers[sender] = ShopTrackerStore(DOMAIN, client=redis.Redis()).init_tracker(sender)
        table.keep(sender, trackers[sender], stored_length=5)
    assert len(table) == 2 and not table.has("a")
    assert table.take("b", 6) is None and not table.has("b")  # stored length moved on: dropped
    assert table.take("c", 5) is trackers["c"] and len(table) == 0
