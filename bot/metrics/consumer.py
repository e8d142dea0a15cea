"""Folds the event stream into the hourly numbers, each event exactly once.

The consumer reads the stream through a consumer group. Each event's changes and its XACK are
one MULTI/EXEC (watched on the conversation's state): a consumer that dies before EXEC leaves
the event pending, and it is read again first on restart (under the same consumer name); after
EXEC the event is both counted and acknowledged. Nothing is counted twice or lost.
"""
from __future__ import annotations

import json
import logging
import threading
from typing import Any, Dict, List, Tuple

import redis

from bot.metrics.fold import ConversationState, Fold, fold
from bot.store import MetricsKeys

logger = logging.getLogger(__name__)

GROUP = "metrics"
CONSUMER = "aggregator"  # one name: a restarted consumer takes over its own pending events
BATCH = 500
# The per-conversation state outlives a session long enough for its last replies to arrive.
STATE_KEEP_SECONDS = 7 * 86400
HOUR_KEEP_SECONDS = 400 * 86400  # a year of hours, for the same day last year


class MetricsConsumer:
    def __init__(self, client: redis.Redis, keys: MetricsKeys = MetricsKeys(), consumer: str = CONSUMER) -> None:
        self.client = client
        self.keys = keys
        self.consumer = consumer

    def ensure_group(self) -> None:
        try:
            self.client.xgroup_create(self.keys.events, GROUP, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def drain(self) -> int:
        """Fold everything not yet folded: this consumer's pending events, then new ones."""
        self.ensure_group()
        done = 0
        for start in ("0", ">"):
            while True:
                reply = self.client.xreadgroup(GROUP, self.consumer, {self.keys.events: start}, count=BATCH)
                entries: List[Tuple[Any, Dict[Any, Any]]] = reply[0][1] if reply else []
                entries = [(i, f) for i, f in entries if f]  # a pending entry trimmed away has no fields
                if not entries:
                    break
                for entry_id, fields in entries:
                    self._apply(entry_id, fields)
                    done += 1
        return done

    def run(self, stop: threading.Event, idle_seconds: float = 0.5) -> None:
        """Keep folding until `stop` is set (the runner's metrics service)."""
        while not stop.is_set():
            try:
                if not self.drain():
                    stop.wait(idle_seconds)
            except redis.ConnectionError:
                logger.warning("metrics: Redis unreachable; trying again")
                stop.wait(2)

    def _apply(self, entry_id: Any, fields: Dict[Any, Any]) -> None:
        raw = fields.get("event", fields.get(b"event"))
        try:
            event = json.loads(raw)
            conversation_id = str(event["sender_id"])
        except (TypeError, ValueError, KeyError):
            logger.warning("metrics: skipping malformed entry %s", entry_id)
            self.client.xack(self.keys.events, GROUP, entry_id)
            return
        state_key = self.keys.conversation(conversation_id)
        with self.client.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(state_key)
                    raw_state = {_text(k): _text(v) for k, v in pipe.hgetall(state_key).items()}
                    result = fold(ConversationState.from_hash(raw_state), conversation_id, event)
                    pipe.multi()
                    self._write(pipe, state_key, result)
                    pipe.xack(self.keys.events, GROUP, entry_id)
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue  # another consumer moved this conversation on: fold again

    def _write(self, pipe: Any, state_key: str, result: Fold) -> None:
        pipe.hset(state_key, mapping=result.state.to_hash())
        pipe.expire(state_key, STATE_KEEP_SECONDS)
        for (hour, name), n in result.counts.items():
            pipe.hincrby(self.keys.hour(hour), name, n)
            pipe.expire(self.keys.hour(hour), HOUR_KEEP_SECONDS)
        if result.first_reply:
            hour, ms = result.first_reply
            pipe.rpush(self.keys.first_reply(hour), ms)
            pipe.expire(self.keys.first_reply(hour), HOUR_KEEP_SECONDS)
        if result.unclear and result.unclear[1]:
            hour, text = result.unclear
            pipe.hincrby(self.keys.unclear(hour), text, 1)
            pipe.expire(self.keys.unclear(hour), HOUR_KEEP_SECONDS)
        if result.conversation:
            member, start = result.conversation
            pipe.zadd(self.keys.conversations, {member: start})


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
