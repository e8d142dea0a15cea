"""The shop's notion of 'now', injectable so rules about cut-offs and windows are testable."""
from __future__ import annotations

from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def shop_clock(timezone: str) -> Clock:
    zone = ZoneInfo(timezone)
    return lambda: datetime.now(zone)


def fixed_clock(moment: datetime) -> Clock:
    return lambda: moment
