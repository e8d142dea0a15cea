"""Rasa's event-broker interface on a Redis stream (`event_broker` in endpoints.yml).

Every Rasa server publishes each new conversation event once (the tracker store hands over a
turn's events together: one stream entry, one round trip). Several servers may publish to one
stream; the metrics consumer reads it through a consumer group. Beyond one machine, Rasa's own Kafka broker carries
the same events with only endpoints.yml changed (README, "The shop owner's numbers").
"""

from __future__ import annotations

import logging
from asyncio import AbstractEventLoop
from typing import Any, Dict, Iterable, Optional, Text

import redis
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.store import MetricsKeys, event_json

logger = logging.getLogger(__name__)

# The consumer deletes each entry it has counted; this cap (approximate) holds only while none runs.
MAX_LENGTH = 1_000_000


class RedisStreamEventBroker(EventBroker):
    def __init__(self, client: redis.Redis, keys: MetricsKeys = MetricsKeys(), max_length: int = MAX_LENGTH) -> None:
        self.client = client
        self.keys = keys
        self.max_length = max_length

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: Optional[AbstractEventLoop] = None
    ) -> "RedisStreamEventBroker":
        options = dict(broker_config.kwargs)
        client = redis.Redis(
            host=broker_config.url or "localhost",
            port=int(options.get("port") or 6379),
            db=int(options.get("db") or 0),
            username=options.get("username") or None,
            password=options.get("password") or None,
            ssl=bool(options.get("use_ssl", False)),
        )
        return cls(client, MetricsKeys(options.get("key_prefix") or "metrics"))

    @classmethod
    def from_url(cls, url: str) -> "RedisStreamEventBroker":
        return cls(redis.Redis.from_url(url))

    def publish(self, event: Dict[Text, Any]) -> None:
        self.publish_many([event])

    def publish_many(self, events: Iterable[Dict[Text, Any]]) -> None:
        """A turn's events as one stream entry (`events`, a JSON list): one XADD a turn instead
        of one an event spares Redis, the client and the consumer (which reads both forms)."""
        bodies = list(events)
        if not bodies:
            return
        try:
            self.client.xadd(
                self.keys.events,
                {"events": event_json(bodies)},
                maxlen=self.max_length,
                approximate=True,
            )
        except redis.RedisError:
            # The turn itself is stored; only its count is lost. Never fail a buyer's turn for it.
            logger.exception("could not publish conversation events to %s", self.keys.events)

    def is_ready(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False

    async def close(self) -> None:
        self.client.close()
