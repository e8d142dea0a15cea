"""Size codes and order ids in normalised (lower-case, half-width) text."""

from __future__ import annotations

import re
from typing import Dict, Iterable, List

from bot.nlu.candidates import Candidate

# Letter sizes only as whole tokens: not the l in xl, not the m in 1.8m or cm, not the s in it's.
_LETTER_SIZE = re.compile(r"(?<![a-z0-9.'])(?P<code>[2-4]xl|x{1,4}l|xs|s|m|l)(?![a-z0-9])")
_LETTER_CANONICAL: Dict[str, str] = {
    "xs": "XS", "s": "S", "m": "M", "l": "L", "xl": "XL",
    "xxl": "2XL", "2xl": "2XL", "xxxl": "3XL", "3xl": "3XL", "xxxxl": "4XL", "4xl": "4XL",
}  # fmt: skip
_KNOWN_CODES = frozenset([*_LETTER_CANONICAL.values(), "均码"])
_WORD_SIZES = [
    (re.compile(r"均码|f码|free ?size|one ?size"), "均码"),
    (re.compile(r"加加大(?:码|号)?"), "2XL"),
    (re.compile(r"(?<!加)加大(?:码|号)?"), "XL"),
]
# 12-20 digits: order ids (11-digit phone numbers are too short); a letter prefix means a
# courier tracking number (YT7412583690215), which is not an order id.
_ORDER_ID = re.compile(r"(?<![0-9a-z])[0-9]{12,20}(?![0-9])")


def find_sizes(text: str, extra_sizes: Iterable[str] = ()) -> List[Candidate]:
    """Size candidates; ``extra_sizes`` are shop-specific size names matched literally."""
    found: List[Candidate] = []
    for match in _LETTER_SIZE.finditer(text):
        code = _LETTER_CANONICAL[match.group("code")]
        found.append(Candidate("size", code, *match.span(), *match.span()))
    for pattern, code in _WORD_SIZES:
        for match in pattern.finditer(text):
            found.append(Candidate("size", code, *match.span(), *match.span()))
    for size in extra_sizes:
        needle = size.lower()
        # Shop-specific names only; digits alone (a 27 waist size) would match any number.
        if not needle or size in _KNOWN_CODES or needle in _LETTER_CANONICAL or needle.isdigit():
            continue
        for match in re.finditer(re.escape(needle), text):
            found.append(Candidate("size", size, *match.span(), *match.span()))
    return found


def find_order_ids(text: str) -> List[Candidate]:
    return [Candidate("order_id", match.group(), *match.span(), *match.span(), priority=2) for match in _ORDER_ID.finditer(text)]
