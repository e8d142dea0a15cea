"""Normalise buyer messages before tokenisation and entity extraction.

Steps, in this order (the order is what makes the function idempotent):

1. whitespace (incl. the ideographic space U+3000) becomes a plain space; control, format
   (zero-width, BOM, bidi marks), emoji variation selectors and skin-tone modifiers are dropped;
2. Traditional -> Simplified Chinese with OpenCC ``t2s``;
3. full-width ASCII (U+FF01..U+FF5E) -> half-width, so ``１７５ｃｍ`` reads as ``175cm``;
4. letters are lower-cased (size codes, units and pinyin all compare lower-case);
5. a few emoji that carry meaning become words (see ``EMOJI_WORDS``); every other emoji becomes a
   space, so it still separates words;
6. runs of more than three of the same character collapse to two (哈哈哈哈 -> 哈哈, ????? -> ??);
   digits and Chinese numerals never collapse because they are numbers, not emphasis, and
   neither does x, which repeats in size codes (xxxxl);
7. URLs become the token ``url``: a pasted shop link carries a long item id that would otherwise
   look like an order number;
8. whitespace runs collapse to one space, the ends are stripped, and leading ``/`` are removed so a
   buyer typing Rasa's ``/intent{...}`` syntax is read as plain text;
9. the result is capped at ``max_chars``.

``normalize_with_offsets`` also returns, for every output character, the index of the input
character it came from, so spans found in the normalised text can be mapped back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, List, Optional, Tuple

# A char paired with the index of the input char it came from.
_Chars = List[Tuple[str, int]]

# Emoji that change what a message means keep that meaning as a word; the rest are decoration.
EMOJI_WORDS = {
    "😡": "生气",
    "🤬": "生气",
    "😠": "生气",
    "👎": "差评",
    "👍": "好",
    "👌": "好",
    "🙏": "谢谢",
    "😭": "难过",
    "😢": "难过",
}

# Never collapsed: Chinese numerals are digits (二〇〇〇), and x repeats in size codes (xxxxl).
_NO_COLLAPSE = frozenset("零〇一二两三四五六七八九十百千万x")

_URL_CHARS = r"[a-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
_URL_RE = re.compile(
    rf"(?:https?://|www\.){_URL_CHARS}+"
    rf"|(?<![a-z0-9@.\-])(?:[a-z0-9\-]+\.)+(?:com|cn|net|org|cc|me|io|tv|hk|tw)(?![a-z0-9\-])"
    rf"(?:/{_URL_CHARS}*)?"
)
URL_TOKEN = "url"

_MAX_RUN = 3  # runs longer than this collapse
_KEEP_RUN = 2  # ... to this many

_converter: Any = None


def _opencc() -> Any:
    """Create the OpenCC converter once, on first use (it loads dictionaries from disk)."""
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, per character, the index of the input character it came from."""

    text: str
    offsets: Tuple[int, ...]

    def original_span(self, start: int, end: int) -> Tuple[int, int]:
        """Map a [start, end) span of the normalised text to a span of the input text."""
        if not self.offsets or start >= end:
            return (0, 0)
        start = max(0, min(start, len(self.offsets) - 1))
        end = max(start + 1, min(end, len(self.offsets)))
        return (self.offsets[start], self.offsets[end - 1] + 1)


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return (
        0x1F000 <= code <= 0x1FAFF  # emoticons, pictographs, transport, flags, ...
        or 0x2600 <= code <= 0x27BF  # misc symbols and dingbats (☀ ❤ ✨)
        or 0x2B00 <= code <= 0x2BFF  # stars and arrows (⭐)
    )


def _is_invisible(char: str) -> bool:
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return True
    if 0x1F3FB <= code <= 0x1F3FF or code == 0x20E3:  # skin tones, keycap
        return True
    return unicodedata.category(char) in ("Cc", "Cf", "Cs")


def _clean(text: str) -> _Chars:
    chars: _Chars = []
    for index, char in enumerate(text):
        if char.isspace():
            chars.append((" ", index))
        elif not _is_invisible(char):
            chars.append((char, index))
    return chars


def _to_simplified(chars: _Chars) -> _Chars:
    text = "".join(c for c, _ in chars)
    try:
        converted = _opencc().convert(text)
    except Exception:  # a converter error must not lose the message
        converted = None
    if converted is not None and len(converted) == len(chars):
        return [(new, origin) for new, (_, origin) in zip(converted, chars)]
    # Phrase conversion changed the length: convert char by char so offsets stay exact.
    result: _Chars = []
    for char, origin in chars:
        try:
            single = _opencc().convert(char)
        except Exception:
            single = char
        result.append((single if len(single) == 1 else char, origin))
    return result


def _to_half_width_lower(chars: _Chars) -> _Chars:
    result: _Chars = []
    for char, origin in chars:
        code = ord(char)
        if 0xFF01 <= code <= 0xFF5E:
            char = chr(code - 0xFEE0)
        lower = char.lower()
        result.append((lower if len(lower) == 1 else char, origin))
    return result


def _replace_emoji(chars: _Chars) -> _Chars:
    result: _Chars = []
    for char, origin in chars:
        word = EMOJI_WORDS.get(char)
        if word is not None:
            result.extend((c, origin) for c in f" {word} ")
        elif _is_emoji(char):
            result.append((" ", origin))
        else:
            result.append((char, origin))
    return result


def _collapse_runs(chars: _Chars) -> _Chars:
    result: _Chars = []
    start = 0
    while start < len(chars):
        char = chars[start][0]
        end = start
        while end < len(chars) and chars[end][0] == char:
            end += 1
        run = chars[start:end]
        if len(run) > _MAX_RUN and not (char.isdigit() or char in _NO_COLLAPSE):
            run = run[:_KEEP_RUN]
        result.extend(run)
        start = end
    return result


def _replace_urls(chars: _Chars) -> _Chars:
    text = "".join(c for c, _ in chars)
    result: _Chars = []
    last = 0
    for match in _URL_RE.finditer(text):
        result.extend(chars[last : match.start()])
        first, final = chars[match.start()][1], chars[match.end() - 1][1]
        token = f" {URL_TOKEN} "
        result.extend((c, first if i < len(token) // 2 else final) for i, c in enumerate(token))
        last = match.end()
    result.extend(chars[last:])
    return result


# Order cards the chat window pastes into a message ("咨询订单号:2611… 商品ID:1002…", "[订单编号:…，
# 订单金额:…，下单时间:…]", "顾客通过点击…信息发送:"): system text, not the buyer's words. An order
# number in a card is kept (the entity rules read it); the labels and the rest go. After
# _to_half_width_lower, so colons are ASCII and letters lower case.
_CARD_RE = re.compile(
    r"顾客通过点击\S*?信息发送:?"
    r"|\[?订单编号:\s*(?P<number>\d{6,})?[^\]]*\]?"
    r"|(咨询)?订单号:\s*(?=\d{6,})"
    r"|(咨询)?订单号:\s*\S*"
    r"|商品id:\s*\S*"
    r"|(订单金额|下单时间):\s*\S*"
)


def _drop_order_cards(chars: _Chars) -> _Chars:
    text = "".join(c for c, _ in chars)
    result: _Chars = []
    last = 0
    for match in _CARD_RE.finditer(text):
        result.extend(chars[last : match.start()])
        if match.group("number"):
            start = match.start("number")
            result.extend(chars[start : match.end("number")])
        result.append((" ", chars[match.start()][1]))
        last = match.end()
    result.extend(chars[last:])
    return result


def _collapse_spaces(chars: _Chars) -> _Chars:
    result: _Chars = []
    for char, origin in chars:
        if char == " " and (not result or result[-1][0] == " "):
            continue
        result.append((char, origin))
    while result and result[-1][0] == " ":
        result.pop()
    return result


def _strip_leading_slashes(chars: _Chars) -> _Chars:
    start = 0
    while start < len(chars) and chars[start][0] in "/ ":
        start += 1
    return chars[start:]


def _cap(chars: _Chars, max_chars: int) -> _Chars:
    capped = chars[:max_chars]
    while capped and capped[-1][0] == " ":
        capped.pop()
    return capped


USUAL_MAX_CHARS = 300  # the pipeline's cap (config.yml), the form every message is first given


def _read_limit(max_chars: int) -> int:
    return max_chars * 4 + 64


def normalize_with_offsets(text: str, max_chars: int = USUAL_MAX_CHARS) -> Normalized:
    """Normalise ``text`` (see module doc) and keep the origin of every output character."""
    if not isinstance(text, str) or max_chars <= 0:
        return Normalized("", ())
    if max_chars > USUAL_MAX_CHARS and len(text) <= _read_limit(USUAL_MAX_CHARS):
        # A longer cap changes nothing where the usual one cut nothing (the steps before the cap
        # do not depend on it), and the usual form is the one the pipeline already computed. A
        # cut may drop one space after it (spaces are collapsed), hence the margin of one.
        usual = _normalized(text, USUAL_MAX_CHARS)
        if len(usual.text) < USUAL_MAX_CHARS - 1:
            return usual
    # Only a bounded prefix is read, so a pasted novel cannot make this slow; the cache keeps
    # that prefix, not the novel.
    return _normalized(text[: _read_limit(max_chars)], max_chars)


def normalize(text: str, max_chars: int = USUAL_MAX_CHARS) -> str:
    """Normalised form of a buyer message; never raises on a ``str``."""
    return normalize_with_offsets(text, max_chars).text


# Kept by text: one message is normalised by the pipeline's normaliser, again by the entity
# reader, then by the actions (knowledge matching, acknowledgements, second questions): three to
# four times a turn (cProfile under load), and a pure function of its arguments needs no
# invalidation. `Normalized` is frozen, so the callers share one safely.
@lru_cache(maxsize=4096)
def _normalized(text: str, max_chars: int) -> Normalized:
    chars = _clean(text)
    for step in (
        _to_simplified,
        _to_half_width_lower,
        _replace_emoji,
        _collapse_runs,
        _replace_urls,
        _drop_order_cards,
        _collapse_spaces,
        _strip_leading_slashes,
    ):
        chars = step(chars)
    chars = _cap(chars, max_chars)
    return Normalized("".join(c for c, _ in chars), tuple(origin for _, origin in chars))


def is_normalized(text: Optional[str], max_chars: int = USUAL_MAX_CHARS) -> bool:
    """True when ``text`` is already in normal form (normalising again would not change it)."""
    return isinstance(text, str) and normalize(text, max_chars) == text
