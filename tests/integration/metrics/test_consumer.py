"""The event stream folded exactly once: two Rasa servers publishing, a consumer that dies."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Dict, List

import pytest

from bot.metrics.broker import RedisStreamEventBroker
from bot.metrics.consumer import GROUP, MetricsConsumer
from bot.metrics.report import Counted, report
from bot.store import MetricsKeys

T0 = datetime(2026, 11, 11, 2, 0, tzinfo=timezone.utc).timestamp()  # 双十一, 10:00 in Shanghai
SHANGHAI = timezone(timedelta(hours=8))


def chat(buyer: str, start: float, handoff: bool = False) -> List[Dict]:
    events = [
        {"event": "action", "name": "action_session_start", "timestamp": start},
        {
            "event": "user",
            "text": "这件包邮吗",
            "timestamp": start + 1,
            "metadata": {"item_id": "T001"},
            "parse_data": {"intent": {"name": "ask_free_shipping"}},
        },
        {"event": "bot", "text": "亲，满99包邮哦", "timestamp": start + 1.3},
        {"event": "user", "text": "讲个笑话", "timestamp": start + 5, "parse_data": {"intent": {"name": "out_of_scope"}}},
        {"event": "action", "name": "action_unclear", "timestamp": start + 5.1},
    ]
    if handoff:
        # Two typed reasons and one written before reasons were typed, with its order id inside.
        reason = "order 2611%s is late for dispatch" % buyer[-1] if buyer.endswith("2") else "late_dispatch"
        events.append({"event": "slot", "name": "handoff_reason", "value": reason, "timestamp": start + 6})
    return [{"sender_id": buyer, **e} for e in events]


def numbers(redis_client, store):
    since = datetime.fromtimestamp(T0, timezone.utc)
    return report(redis_client, store, since, since + timedelta(hours=2), SHANGHAI)


def test_two_servers_publish_and_every_event_counts_once(redis_client, store, demo) -> None:
    # Two Rasa servers: each its own broker and connection.
    servers = [RedisStreamEventBroker.from_url(_url(redis_client)) for _ in range(2)]
    for n in range(10):
        servers[n % 2].publish_many(chat(f"buyer_{n}", T0 + 60 * n, handoff=n < 3))
    consumer = MetricsConsumer(store)
    assert consumer.drain() == 10 * 5 + 3
    assert consumer.drain() == 0  # nothing twice
    m = numbers(redis_client, store)
    assert (m.conversations, m.buyer_messages, m.handoffs, m.not_understood) == (10, 20, 3, 10)
    assert m.auto_reply_rate == 0.7 and m.handoff_rate == 0.3 and m.not_understood_rate == 0.5
    # One slice per reason, not per order, in Chinese for the owner.
    assert m.handoff_reasons == [Counted(key="late_dispatch", label="订单发货延迟", count=3)]
    assert m.first_reply_ms_p50 == 300 and [(i.key, i.count) for i in m.top_items] == [("T001", 10)]
    assert m.top_items[0].label.endswith("（T001）") and len(m.top_items[0].label) > len("（T001）")
    assert {(i.key, i.label) for i in m.top_intents} == {
        ("ask_free_shipping", "问包邮/运费"),
        ("out_of_scope", "店铺帮不上的问题"),
    }
    assert m.top_not_understood == [("讲个笑话", 10)]
    assert m.peak_hour == datetime.fromtimestamp(T0, SHANGHAI)


def test_a_consumer_that_dies_mid_stream_loses_and_repeats_nothing(redis_client, store, demo, monkeypatch) -> None:
    broker = RedisStreamEventBroker(redis_client)
    for n in range(6):
        broker.publish_many(chat(f"buyer_{n}", T0 + 60 * n, handoff=n == 0))
    dying = MetricsConsumer(store, batch=2)  # six turns, six entries: three batches
    batches = 0
    real_write = MetricsConsumer._write

    def write_then_die(self, pipe, states, results):
        nonlocal batches
        if batches == 2:
            raise SystemExit("killed")  # after reading the third batch, before its EXEC
        batches += 1
        real_write(self, pipe, states, results)

    monkeypatch.setattr(MetricsConsumer, "_write", write_then_die)
    with pytest.raises(SystemExit):
        dying.drain()
    monkeypatch.setattr(MetricsConsumer, "_write", real_write)
    # Events the dead consumer had read but not folded are still pending for it.
    assert redis_client.xpending(MetricsKeys().events, GROUP)["pending"] > 0
    MetricsConsumer(store).drain()  # the restarted consumer, same name
    m = numbers(redis_client, store)
    assert (m.conversations, m.buyer_messages, m.handoffs, m.not_understood) == (6, 12, 1, 6)
    assert redis_client.xpending(MetricsKeys().events, GROUP)["pending"] == 0


def test_a_malformed_entry_is_skipped_not_retried_forever(redis_client, store, demo) -> None:
    redis_client.xadd(MetricsKeys().events, {"event": "not json"})
    redis_client.xadd(MetricsKeys().events, {"events": '{"not": "a list"}'})
    redis_client.xadd(MetricsKeys().events, {"events": '["no sender", {"event": "user"}]'})
    RedisStreamEventBroker(redis_client).publish_many(chat("buyer_x", T0))
    assert MetricsConsumer(store).drain() == 5  # the chat's five events; the rest skipped
    assert MetricsConsumer(store).drain() == 0
    assert redis_client.xlen(MetricsKeys().events) == 0
    assert numbers(redis_client, store).conversations == 1


def test_a_turn_is_one_entry_and_entries_of_one_event_still_count(redis_client, store, demo) -> None:
    broker = RedisStreamEventBroker(redis_client)
    broker.publish_many(chat("buyer_new", T0))
    assert redis_client.xlen(MetricsKeys().events) == 1  # one XADD for the turn's five events
    broker.publish_many([])  # nothing new: nothing written
    assert redis_client.xlen(MetricsKeys().events) == 1
    # What a server wrote before turns were batched: one entry an event.
    for event in chat("buyer_old", T0 + 60, handoff=True):
        redis_client.xadd(MetricsKeys().events, {"event": json.dumps(event, ensure_ascii=False)})
    assert MetricsConsumer(store).drain() == 5 + 6
    m = numbers(redis_client, store)
    assert (m.conversations, m.buyer_messages, m.handoffs) == (2, 4, 1)


def _url(client) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs.get('host')}:{kwargs.get('port')}/{kwargs.get('db', 0)}"


def test_a_pending_entry_trimmed_from_the_stream_is_let_go(redis_client, store, demo) -> None:
    RedisStreamEventBroker(redis_client).publish_many(chat("buyer_t", T0))
    consumer = MetricsConsumer(store)
    consumer.ensure_group()
    redis_client.xreadgroup(GROUP, "aggregator", {MetricsKeys().events: ">"}, count=100)  # read, then died
    redis_client.xtrim(MetricsKeys().events, maxlen=0)  # the stream's cap dropped them meanwhile
    assert consumer.drain() == 0
    assert redis_client.xpending(MetricsKeys().events, GROUP)["pending"] == 0


def test_only_item_ids_that_name_a_product_are_counted(redis_client, store, demo) -> None:
    broker = RedisStreamEventBroker(redis_client)
    for n, item in enumerate(["T001", "T002", "T001", "no-such-item", "<script>alert(1)</script>", "T00", "白T"]):
        broker.publish_many(
            [
                {
                    "sender_id": f"buyer_{n}",
                    "event": "user",
                    "text": "这件包邮吗",
                    "timestamp": T0 + n,
                    "metadata": {"item_id": item},
                }
            ]
        )
    MetricsConsumer(store).drain()
    assert [(i.key, i.count) for i in numbers(redis_client, store).top_items] == [("T001", 3), ("T002", 1)]  # 白T is T001's alias


def test_the_stream_keeps_only_what_is_not_yet_acknowledged(redis_client, store, demo) -> None:
    events = MetricsKeys().events
    broker = RedisStreamEventBroker(redis_client)
    for n in range(20):
        broker.publish_many(chat(f"buyer_{n}", T0 + 60 * n))
    consumer = MetricsConsumer(store)
    consumer.ensure_group()
    # Another consumer of the group read the first 7 entries (turns) and died before acknowledging them.
    taken = redis_client.xreadgroup(GROUP, "other", {events: ">"}, count=7)[0][1]
    assert consumer.drain() == (20 - 7) * 5
    # Only they are kept (still to be counted); everything counted is gone.
    assert [entry_id for entry_id, _ in redis_client.xrange(events)] == [entry_id for entry_id, _ in taken]
    broker.publish_many(chat("buyer_late", T0 + 3600))
    assert consumer.drain() == 5
    assert redis_client.xlen(events) == 7


def test_what_each_answer_earns_comes_through_the_stream_named_as_the_owner_knows_it(redis_client, store, demo) -> None:
    def said(buyer: str, t: float, text: str, behaviour: str, source: str = "") -> List[Dict]:
        return [
            {"sender_id": buyer, **e}
            for e in (
                {"event": "user", "text": text, "timestamp": t, "parse_data": {"intent": {"name": "nlu_fallback"}}},
                {"event": "slot", "name": "behaviour", "value": behaviour, "timestamp": t + 0.1},
                {"event": "slot", "name": "answer_source", "value": source or None, "timestamp": t + 0.1},
                {"event": "action", "name": "action_listen", "timestamp": t + 0.2},
            )
        ]

    broker = RedisStreamEventBroker(redis_client)
    for n, buyer in enumerate(("buyer_a", "buyer_b")):
        start = T0 + 60 * n
        broker.publish_many(
            [{"sender_id": buyer, "event": "action", "name": "action_session_start", "timestamp": start}]
            + said(buyer, start + 1, "能开发票吗", "faq:invoice", "knowledge:invoice_how")
            + said(buyer, start + 2, "那电子的呢" if n else "好的", "clarify" if n else "ack")
            + said(buyer, start + 3, "几天到", "answer:ask_shipping_time")
        )
    MetricsConsumer(store).drain()
    rows = {row.name: row for row in numbers(redis_client, store).answers}
    invoice = rows[next(e.question for e in demo.knowledge if e.key == "invoice_how")]
    assert (invoice.kind, invoice.answered, invoice.unsure_after_rate, invoice.precise_rate) == ("知识库", 2, 0.5, 1.0)
    timing = rows["问发货/到货时间"]
    assert (timing.kind, timing.answered, timing.precise_rate, timing.csat) == ("意图", 2, 0.5, None)
    missed = redis_client.lrange(MetricsKeys().missed(datetime.fromtimestamp(T0, timezone.utc).strftime("%Y%m%d%H")), 0, -1)
    assert [json.loads(m)["text"] for m in missed] == ["那电子的呢"]
