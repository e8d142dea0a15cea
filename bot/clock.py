"""The shop's notion of 'now', injectable so rules about cut-offs and windows are testable."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Optional
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def shop_clock(timezone: str) -> Clock:
    zone = ZoneInfo(timezone)
    return lambda: datetime.now(zone)


def fixed_clock(moment: datetime) -> Clock:
    return lambda: moment


def configured_clock(fixed_now: Optional[str], timezone: str) -> Clock:
    """The clock settings ask for: frozen at SHOP_FIXED_NOW, else the shop's real time."""
    return fixed_clock(datetime.fromisoformat(fixed_now)) if fixed_now else shop_clock(timezone)
