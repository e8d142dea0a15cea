"""Is the shop's team at work right now (from the policy's working_hours, e.g. 09:00-23:00)."""

from __future__ import annotations

from datetime import datetime, time


def _parse(value: str) -> time:
    hour, minute = (int(p) for p in value.split(":"))
    return time(23, 59, 59) if hour == 24 else time(hour, minute)


def in_working_hours(working_hours: str, now: datetime) -> bool:
    start_text, end_text = working_hours.split("-")
    start, end, current = _parse(start_text), _parse(end_text), now.time()
    if start <= end:
        return start <= current <= end
    return current >= start or current <= end  # a shift across midnight
