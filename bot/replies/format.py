"""Helpers every capability's replies share: amounts, days and lists as a shop writes them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Optional


def money(amount: float) -> str:
    """¥ amounts as a shop writes them: 99元, 39.9元."""
    text = f"{amount:.2f}".rstrip("0").rstrip(".")
    return f"{text}元"


def day(value: date, today: Optional[date] = None) -> str:
    if today is not None:
        if value == today:
            return f"今天（{value.month}月{value.day}日）"
        if (value - today).days == 1:
            return f"明天（{value.month}月{value.day}日）"
    return f"{value.month}月{value.day}日"


def moment(value: Optional[datetime]) -> str:
    assert value is not None  # bot/models/orders.py requires the times an order's status implies
    return f"{value.month}月{value.day}日 {value:%H:%M}"


def join(items: Iterable[str]) -> str:
    return "、".join(items)
