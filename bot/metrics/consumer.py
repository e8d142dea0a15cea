"""Folds the event stream into the hourly numbers, each event exactly once.

The consumer reads the stream through a consumer group. A batch of events (up to BATCH) is folded
in order and its changes, its XACK and its XDEL are one MULTI/EXEC (watched on the conversations'
states): a consumer that dies before EXEC leaves the event pending, and it is read again first on
restart (under the same consumer name); after EXEC the event is counted, acknowledged and gone
from the stream, which so holds only what is still to be counted (one group reads it: this one).
Nothing is counted twice or lost.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from typing import Any, Dict, List, Tuple

import redis

from bot.metrics.fold import ConversationState, Fold, as_text, fold, item_id
from bot.store import MetricsKeys, ShopStore

logger = logging.getLogger(__name__)

GROUP = "metrics"
CONSUMER = "aggregator"  # one name: a restarted consumer takes over its own pending events
BATCH = 500
# The per-conversation state outlives a session long enough for its last replies to arrive.
STATE_KEEP_SECONDS = 7 * 86400
HOUR_KEEP_SECONDS = 400 * 86400  # a year of hours, for the same day last year
MISSED_KEEP_SECONDS = 31 * 86400  # the mining page looks back 30 days; the words go with them


def _events_of(entry_id: Any, fields: Dict[Any, Any]) -> List[Any]:
    """An entry's events: a turn's (`events`, a JSON list, bot/metrics/broker.py) or, as
    written before, one (`event`). A malformed entry is skipped, not retried forever."""
    many = fields.get("events", fields.get(b"events"))
    one = fields.get("event", fields.get(b"event"))
    try:
        if many is not None:
            events = json.loads(many)
            if not isinstance(events, list):
                raise TypeError("events is not a list")
            return events
        if one is not None:
            return [json.loads(one)]
    except (TypeError, ValueError):
        pass
    logger.warning("metrics: skipping malformed entry %s", entry_id)
    return []


class MetricsConsumer:
    def __init__(self, store: ShopStore, keys: MetricsKeys = MetricsKeys(), consumer: str = CONSUMER, batch: int = BATCH) -> None:
        self.store = store  # the catalogue: only an item id that names a product is counted
        self.client: redis.Redis = store.client
        self.batch = batch
        self.keys = keys
        self.consumer = consumer

    def ensure_group(self) -> None:
        try:
            self.client.xgroup_create(self.keys.events, GROUP, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def drain(self) -> int:
        """Fold everything not yet folded: this consumer's pending events, then new ones.
        Returns how many events were folded."""
        self.ensure_group()
        done = 0
        for start in ("0", ">"):
            while True:
                reply = self.client.xreadgroup(GROUP, self.consumer, {self.keys.events: start}, count=self.batch)
                read: List[Tuple[Any, Dict[Any, Any]]] = reply[0][1] if reply else []
                if not read:
                    break
                trimmed = [i for i, f in read if not f]  # pending, but trimmed from the stream since
                if trimmed:
                    self.client.xack(self.keys.events, GROUP, *trimmed)
                entries = [(i, f) for i, f in read if f]
                if not entries:
                    continue
                done += self._apply(entries)
        return done

    def run(self, stop: threading.Event, idle_seconds: float = 0.5) -> None:
        """Keep folding until `stop` is set (the runner's metrics service).

        It pauses after every drain, not only an empty one: draining again at once folds a busy
        stream one or two turns a batch, each batch a read, a watch and a MULTI/EXEC; after the
        pause the turns that arrived meanwhile are one batch (at 100 messages a second, about
        fifty). The pages that show the numbers drain first, so none of them waits for it."""
        while not stop.is_set():
            try:
                self.drain()
                stop.wait(idle_seconds)
            except redis.ConnectionError:
                logger.warning("metrics: Redis unreachable; trying again")
                stop.wait(2)

    def _apply(self, entries: List[Tuple[Any, Dict[Any, Any]]]) -> int:
        """Fold a batch of entries in order and acknowledge them, all in one MULTI/EXEC (watched
        on the conversations' states, so two consumers never fold the same state twice).
        Returns how many events were folded."""
        parsed: List[Tuple[str, Dict[str, Any]]] = []
        for entry_id, fields in entries:
            for event in _events_of(entry_id, fields):
                try:
                    parsed.append((str(event["sender_id"]), event))
                except (TypeError, KeyError):
                    logger.warning("metrics: skipping a malformed event in entry %s", entry_id)
        ids = [entry_id for entry_id, _ in entries]
        skus = self.store.skus_named(filter(None, (item_id(event) for _, event in parsed)))
        state_keys = sorted({self.keys.conversation(c) for c, _ in parsed})
        with self.client.pipeline() as pipe:
            while True:
                try:
                    if state_keys:
                        pipe.watch(*state_keys)
                    reads = self.client.pipeline(transaction=False)
                    for key in state_keys:
                        reads.hgetall(key)
                    states = {
                        key: ConversationState.from_hash({as_text(k): as_text(v) for k, v in raw.items()})
                        for key, raw in zip(state_keys, reads.execute())
                    }
                    results = []
                    for conversation_id, event in parsed:
                        key = self.keys.conversation(conversation_id)
                        result = fold(states[key], conversation_id, event, skus)
                        states[key] = result.state
                        results.append(result)
                    pipe.multi()
                    self._write(pipe, states, results)
                    pipe.xack(self.keys.events, GROUP, *ids)
                    pipe.xdel(self.keys.events, *ids)  # counted: the stream keeps only what is not
                    pipe.execute()
                    return len(parsed)
                except redis.WatchError:
                    continue  # another consumer moved a conversation on: fold the batch again

    def _write(self, pipe: Any, states: Dict[str, ConversationState], results: List[Fold]) -> None:
        counts: Counter = Counter()
        for result in results:
            for (hour, name), n in result.counts.items():
                counts[(hour, name)] += n
            if result.first_reply:
                hour, ms = result.first_reply
                pipe.rpush(self.keys.first_reply(hour), ms)
                pipe.expire(self.keys.first_reply(hour), HOUR_KEEP_SECONDS)
            if result.unclear and result.unclear[1]:
                hour, text = result.unclear
                pipe.hincrby(self.keys.unclear(hour), text, 1)
                pipe.expire(self.keys.unclear(hour), HOUR_KEEP_SECONDS)
            if result.missed:
                hour, message = result.missed
                pipe.rpush(self.keys.missed(hour), message.json(ensure_ascii=False))
                pipe.expire(self.keys.missed(hour), MISSED_KEEP_SECONDS)
            if result.conversation:
                member, start = result.conversation
                pipe.zadd(self.keys.conversations, {member: start})
        for (hour, name), n in counts.items():
            pipe.hincrby(self.keys.hour(hour), name, n)
        for hour in {hour for hour, _ in counts}:
            pipe.expire(self.keys.hour(hour), HOUR_KEEP_SECONDS)
        for key, state in states.items():
            pipe.hset(key, mapping=state.to_hash())
            pipe.expire(key, STATE_KEEP_SECONDS)
