"""Reading the missed messages of a period (`metrics:hour:{…}:missed`, written by the metrics
consumer; see bot/store.py's layout)."""

from __future__ import annotations

from datetime import datetime
from typing import List

import redis

from bot.metrics.fold import MissedMessage, hours_between
from bot.store import MetricsKeys


def missed_messages(
    client: redis.Redis, since: datetime, until: datetime, keys: MetricsKeys = MetricsKeys()
) -> List[MissedMessage]:
    """Every missed buyer message of [since, until), oldest first."""
    pipe = client.pipeline(transaction=False)
    for hour in hours_between(since, until):
        pipe.lrange(keys.missed(hour), 0, -1)
    start, end = since.timestamp(), until.timestamp()
    found = [MissedMessage.parse_raw(raw) for rows in pipe.execute() for raw in rows]
    return [m for m in found if start <= m.timestamp < end]
