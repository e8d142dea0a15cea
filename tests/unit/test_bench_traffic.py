"""How the load benchmark reads replies and open-loop latencies."""

from __future__ import annotations

from bot.bench_load.servers import Server
from bot.bench_load.traffic import SLOW_DOWN, Replies, where_p99_passes


def test_replies_are_told_apart_and_repeats_counted_per_server() -> None:
    server, other = Server("project", "http://x"), Server("stock", "http://y")
    tally = Replies()
    tally.count(server, "b1", "包邮吗", [{"text": "亲，满59包邮哦"}])
    tally.count(server, "b1", "包邮吗", [])  # the same text again, answered with nothing
    tally.count(server, "b2", "在吗", None)  # the request failed
    tally.count(server, "b3", "发什么快递", [{"recipient_id": "b3", "text": SLOW_DOWN}])
    tally.count(server, "b4", "哪个码", [{"buttons": [{"title": "尺码", "payload": "尺码"}]}])
    tally.count(other, "b1", "包邮吗", [{"text": "包邮"}])  # another server has its own cache
    assert (tally.errors, tally.empty, tally.throttled, tally.repeated) == (1, 1, 1, 1)
    assert tally.empty_texts == [("b1", "包邮吗")]


def test_where_p99_passes_one_second() -> None:
    assert where_p99_passes([10, 20, 40], [200, 600, 7000], 1000) == "between 20 and 40 msg/s"
    assert where_p99_passes([10, 20], [1200, 3000], 1000) == "at or below 10 msg/s"
    assert where_p99_passes([10, 20], [100, 300], 1000) == "above 20 msg/s (not reached)"


def test_host_steal_is_the_share_of_the_machines_ticks_between_two_readings() -> None:
    from bot.bench_load.traffic import machine_ticks, steal_between

    assert steal_between((10, 1000), (60, 2000)) == 0.05
    assert steal_between(None, (60, 2000)) is None and steal_between((10, 1000), (10, 1000)) is None
    reading = machine_ticks()  # this Linux machine's /proc/stat
    assert reading is not None and 0 <= reading[0] <= reading[1]


def test_parts_of_a_level_add_up_to_one_level() -> None:
    from bot.bench_load.traffic import Level, Replies, combined

    first = Level(10, 80, 2.0, [10.0] * 80, 1.0, Replies(errors=1, repeated=2), 0.01)
    second = Level(10, 40, 2.0, [30.0] * 40, 0.5, Replies(empty=1, empty_texts=[("b", "在吗")]), 0.03)
    both = combined([first, second])
    assert (both.messages, both.seconds, both.throughput) == (120, 4.0, 30.0)
    assert both.cpu_ms_per_message == 1000 * 1.5 / 120 and both.steal_share == 0.02
    assert (both.replies.errors, both.replies.empty, both.replies.repeated) == (1, 1, 2)
    assert both.replies.empty_texts == [("b", "在吗")] and both.p(0.5) == 10.0 and both.p(1.0) == 30.0
    assert combined([first, Level(10, 40, 2.0, [30.0] * 40, None, Replies(), None)]).cpu_seconds is None


def test_open_loop_rates_add_shares_of_the_measured_capacity() -> None:
    from bot.bench_load.__main__ import open_loop_rates

    assert open_loop_rates("20,40", "0.7", 47.4) == ([20.0, 33.2, 40.0], {33.2: 0.7})
    assert open_loop_rates("20,40", "0.7,0.9", 0.0) == ([20.0, 40.0], {})  # no capacity measured: fixed rates only
    assert open_loop_rates("0", "", 50.0) == ([], {})
    assert open_loop_rates("35", "0.7", 50.0) == ([35.0], {35.0: 0.7})  # a fixed rate that is the share runs once


def test_the_long_chat_windows_hold_the_same_mix_of_turns_early_and_late() -> None:
    from bot.bench_load.texts import TURNS_PER_CHAT
    from bot.bench_load.traffic import LONG_CHAT_WINDOW, around

    assert LONG_CHAT_WINDOW % TURNS_PER_CHAT == 0
    # Latency = the message's turn within its chat: every window's median is the same.
    latencies = [float(n % TURNS_PER_CHAT) for n in range(500)]
    medians = {around(latencies, end) for end in (LONG_CHAT_WINDOW, 50, 100, 200, 500)}
    assert medians == {3.5}
