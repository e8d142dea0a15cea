"""Parse the numbers buyers type: 175, 1.75, 一百一十, 九十五, 一点七五, colloquial 一百一 (=110).

A small strict parser instead of cn2an: cn2an raises on odd input and accepts things like
``七五一百`` in "smart" mode, while the entity rules need to know that such a string is *not* a
number so that a better-formed candidate can win.
"""

from __future__ import annotations

import math
import re
from typing import Optional, Union

Number = Union[int, float]

CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_DIGITS = {**CN_DIGITS, **{str(d): d for d in range(10)}}
_UNITS = {"十": 10, "百": 100, "千": 1000}

# Regex fragments for the entity rules (they run on normalised, half-width text).
CN_DIGIT_CLASS = "零〇一二两三四五六七八九"
ARABIC = r"(?<![\d.])\d+(?:\.\d+)?"
CN_NUMBER = rf"[{CN_DIGIT_CLASS}十百千万]+(?:点[{CN_DIGIT_CLASS}]+)?"
NUMBER = rf"(?:{ARABIC}|{CN_NUMBER})"

_ARABIC_FULL = re.compile(r"\d+(?:\.\d+)?")
_MAX_LENGTH = 16


def _digit_sequence(text: str) -> Optional[int]:
    """一七五 -> 175: digits read one by one."""
    if text and all(ch in _DIGITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    return None


def _section(text: str) -> Optional[int]:
    """Parse a number below 10000 written with 十/百/千, or None when it is not well formed."""
    total = 0
    digit: Optional[int] = None
    last_unit: Optional[int] = None
    zero_seen = False
    for ch in text:
        if ch in _DIGITS:
            value = _DIGITS[ch]
            if value == 0:
                if digit is not None:
                    return None
                zero_seen = True
                continue
            if digit is not None:
                return None  # two digits in a row: 五一百
            digit = value
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if last_unit is not None and unit >= last_unit:
                return None  # 十百, 百百
            if digit is None:
                if unit != 10:
                    return None  # a bare 百 or 千 needs a digit before it
                digit = 1  # 十五, 一百十
            total += digit * unit
            last_unit, digit, zero_seen = unit, None, False
        else:
            return None
    if digit is not None:
        if last_unit is not None and last_unit >= 100 and not zero_seen:
            total += digit * last_unit // 10  # colloquial: 一百一 = 110, 三千五 = 3500
        else:
            total += digit
    elif last_unit is None:
        return None if not zero_seen else 0
    return total


def parse_integer(text: str) -> Optional[int]:
    """Parse a Chinese or Arabic integer; None when ``text`` is not one."""
    if not text:
        return None
    sequence = _digit_sequence(text)
    if sequence is not None:
        return sequence
    high, sep, low = text.partition("万")
    if sep:
        high_value = _section(high) if high else None
        if high_value is None:
            return None
        if not low:
            return high_value * 10000
        low_value = _section(low)
        if low_value is None:
            return None
        if len(low) == 1 and low in _DIGITS:
            low_value *= 1000  # 一万五 = 15000
        return high_value * 10000 + low_value
    return _section(text)


def parse_number(text: str) -> Optional[float]:
    """Parse 175, 1.75, 一百一十, 一点七五 ...; None when ``text`` is not a well-formed number."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if len(text) > _MAX_LENGTH:
        return None  # no measurement is this long; also keeps float() from overflowing
    if _ARABIC_FULL.fullmatch(text):
        return float(text)
    whole, sep, fraction = text.partition("点")
    value = parse_integer(whole)
    if value is None:
        return None
    if not sep:
        return float(value)
    if not fraction or not all(ch in _DIGITS for ch in fraction):
        return None
    return float(f"{value}.{''.join(str(_DIGITS[ch]) for ch in fraction)}")


def as_value(number: float) -> Number:
    """Entity value: an int when whole, else a float rounded to one decimal."""
    if not math.isfinite(number):
        return number
    rounded = round(number, 1)
    return int(rounded) if rounded == int(rounded) else rounded
