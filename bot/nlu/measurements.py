"""Body measurements in normalised text: height (cm), weight (kg), bust and waist (cm).

Rules are character regexes, not token patterns: jieba splits number + unit differently
depending on context (一米|七五 but 1|米|8), so tokens are no stable unit to match on.

Decisions (buyers' habits, not physics):
- a bare number is a height only after 身高/个子/高, before cm/厘米, or as a 140-200 number
  written right next to a weight (``175 140斤``, ``165/110斤``);
- 斤 is half a kilogram; after 体重 a bare number >= 80 is read as 斤 (Chinese buyers weigh
  themselves in 斤; nobody asks for clothes at 80+ kg without saying so), below 80 as kg;
- 尺 is a third of a metre (市尺); 2尺1 = 2.1尺 = 70 cm. A 尺 measure without a keyword is a
  waist: that is the only body measure Chinese buyers give in 尺;
- values outside plausible human ranges are dropped rather than guessed.
"""

from __future__ import annotations

import re
from typing import Iterable, List, Optional

from bot.nlu.candidates import Candidate, lookahead
from bot.nlu.numbers import NUMBER, as_value, parse_integer, parse_number

_CN_D = "零〇一二三四五六七八九"
_FILLER = r"(?:是|有|大概|大约|约|差不多|在|:)?\s*"
_CM = r"(?:cm|厘米|公分)(?![a-z])"
_KG_UNIT = r"(?:斤|公斤|kg|千克)"
_METRE = r"(?:米|m(?![a-z]))"

# 一米七五, 1米8, 1m75: metres and a centimetre part (one digit = tens: 1米8 = 180)
_METRE_AND_PART = rf"[1一]\s*{_METRE}\s*(?:[0-9]{{1,2}}(?![0-9.])|[{_CN_D}]{{1,2}}(?![十百千万点]))"
_DECIMAL_METRES = rf"(?:(?<![\d.])1\.[0-9]{{1,2}}|一点[{_CN_D}]{{1,2}})\s*{_METRE}"
_ONE_METRE = rf"[1一]\s*米(?![0-9{_CN_D}])"
_HEIGHT_EXPRESSION = rf"{_METRE_AND_PART}|{_DECIMAL_METRES}|{_ONE_METRE}|{NUMBER}(?:\s*{_CM})?"
_CHI = r"(?:[0-9]\.[0-9]|[0-9一二两三])\s*尺(?!码)" r"(?:\s*[0-9一二三四五六七八九](?![0-9]))?(?:\s*寸)?"

_HEIGHT_PATTERNS = [
    lookahead(_METRE_AND_PART),
    lookahead(_DECIMAL_METRES),
    lookahead(rf"{NUMBER}\s*{_CM}"),
]
_HEIGHT_PREFIXED = lookahead(rf"(?P<key>身高|个子|个头|高)\s*{_FILLER}(?P<expr>{_HEIGHT_EXPRESSION})")
_WEIGHT_UNIT = lookahead(rf"(?P<num>{NUMBER})\s*(?:多|来)?\s*(?P<unit>{_KG_UNIT})")
_WEIGHT_PREFIXED = lookahead(rf"(?:体重|重)\s*{_FILLER}(?P<expr>(?P<num>{NUMBER})(?:\s*(?:多|来)?\s*(?P<unit>{_KG_UNIT}))?)")
_GIRTH_PREFIXED = lookahead(rf"(?P<key>胸围|胸|腰围|(?<![高低中收松])腰)\s*{_FILLER}" rf"(?P<expr>{_CHI}|{NUMBER}(?:\s*{_CM})?)")
_CHI_ALONE = lookahead(rf"(?<![0-9.{_CN_D}十百]){_CHI}")

_METRE_AND_PART_RE = re.compile(rf"[1一]\s*(?:米|m)\s*(?P<part>[0-9]{{1,2}}|[{_CN_D}]{{1,2}})")
_DECIMAL_METRES_RE = re.compile(rf"(?P<num>1\.[0-9]{{1,2}}|一点[{_CN_D}]{{1,2}})\s*(?:米|m)")
_ONE_METRE_RE = re.compile(r"[1一]\s*米")
_NUMBER_CM_RE = re.compile(rf"(?P<num>{NUMBER})\s*(?P<cm>{_CM})?")
_CHI_RE = re.compile(r"(?P<chi>[0-9]\.[0-9]|[0-9一二两三])\s*尺(?:\s*(?P<cun>[0-9一二三四五六七八九]))?(?:\s*寸)?")
# A cm number after these is a garment or other body length, not the buyer's height.
_NOT_HEIGHT_BEFORE = re.compile(rf"(?:臀围|臀|肩宽|肩|袖|长|宽|腿围|腿|臂围|胸围|胸|腰围|腰|脚|鞋|头围)\s*{_FILLER}$")
_HEIGHT_BEFORE_WEIGHT = re.compile(r"(?<![\d.])(1[4-9][0-9]|200)\s*[/,、~-]?\s*$")
_HEIGHT_AFTER_WEIGHT = re.compile(rf"\s*[/,、~-]?\s*(1[4-9][0-9]|200)" rf"(?![\d.]|\s*(?:{_KG_UNIT}|{_CM}|元|块|件|米|m|%|个))")

HEIGHT_CM = (50.0, 250.0)
WEIGHT_KG = (15.0, 250.0)
BUST_CM = (50.0, 160.0)
WAIST_CM = (40.0, 150.0)
JIN_THRESHOLD = 80  # after 体重, a bare number at or above this is in 斤
_CM_PER_CHI = 100 / 3


def _in(value: Optional[float], bounds: tuple) -> Optional[float]:
    return value if value is not None and bounds[0] <= value <= bounds[1] else None


def height_of(expression: str, prefixed: bool = False) -> Optional[float]:
    """Height in cm of a height expression (一米七五, 1.8m, 175cm, 175 after a keyword)."""
    expression = expression.strip()
    match = _METRE_AND_PART_RE.fullmatch(expression)
    if match:
        part = parse_integer(match.group("part"))
        if part is None:
            return None
        digits = len(match.group("part"))
        return _in(100.0 + (part * 10 if digits == 1 else part), HEIGHT_CM)
    match = _DECIMAL_METRES_RE.fullmatch(expression)
    if match:
        metres = parse_number(match.group("num"))
        return _in(metres * 100 if metres is not None else None, HEIGHT_CM)
    if _ONE_METRE_RE.fullmatch(expression):
        return 100.0 if prefixed else None
    match = _NUMBER_CM_RE.fullmatch(expression)
    if not match:
        return None
    value = parse_number(match.group("num"))
    if value is None:
        return None
    if match.group("cm"):
        return _in(value, HEIGHT_CM)
    if not prefixed:
        return None
    if value < 3:
        # 身高1.75: metres, but only with a fraction (高一点 is "a bit taller", not 1 m)
        has_fraction = "." in match.group("num") or "点" in match.group("num")
        return _in(value * 100, HEIGHT_CM) if has_fraction else None
    return _in(value, HEIGHT_CM)


def weight_of(number: str, unit: Optional[str]) -> Optional[float]:
    """Weight in kg; ``unit`` None means a bare number after 体重 (see module doc)."""
    value = parse_number(number)
    if value is None:
        return None
    if unit == "斤" or (unit is None and value >= JIN_THRESHOLD):
        value = value / 2
    return _in(value, WEIGHT_KG)


def girth_of(expression: str) -> Optional[float]:
    """Bust or waist in cm from ``90``, ``90cm``, ``二尺二``, ``2尺1`` or ``2.1尺``."""
    expression = expression.strip()
    match = _CHI_RE.fullmatch(expression)
    if match:
        chi = parse_number(match.group("chi"))
        cun = parse_integer(match.group("cun")) if match.group("cun") else 0
        if chi is None or cun is None:
            return None
        return (chi + cun / 10) * _CM_PER_CHI
    match = _NUMBER_CM_RE.fullmatch(expression)
    return parse_number(match.group("num")) if match else None


def _candidate(
    entity: str, value: Optional[float], match: "re.Match[str]", group: int | str, priority: int = 0
) -> Optional[Candidate]:
    if value is None:
        return None
    return Candidate(
        entity=entity,
        value=as_value(value),
        start=match.start(group),
        end=match.end(group),
        match_start=match.start(1),
        match_end=match.end(1),
        priority=priority,
    )


def _heights(text: str) -> Iterable[Optional[Candidate]]:
    for pattern in _HEIGHT_PATTERNS:
        for match in pattern.finditer(text):
            if _NOT_HEIGHT_BEFORE.search(text, 0, match.start(1)):
                continue
            yield _candidate("height", height_of(match.group(1)), match, 1)
    for match in _HEIGHT_PREFIXED.finditer(text):
        expression = match.group("expr")
        value = height_of(expression, prefixed=True)
        if match.group("key") == "高" and _ONE_METRE_RE.fullmatch(expression.strip()):
            value = None  # plain 高 is also "tall/high": 高一米 is not a height statement
        yield _candidate("height", value, match, "expr", priority=1)


def _weights(text: str) -> Iterable[Optional[Candidate]]:
    for match in _WEIGHT_UNIT.finditer(text):
        yield _candidate("weight", weight_of(match.group("num"), match.group("unit")), match, 1)
    for match in _WEIGHT_PREFIXED.finditer(text):
        value = weight_of(match.group("num"), match.group("unit"))
        yield _candidate("weight", value, match, "expr", priority=1)


def _girths(text: str) -> Iterable[Optional[Candidate]]:
    for match in _GIRTH_PREFIXED.finditer(text):
        entity = "bust" if match.group("key").startswith("胸") else "waist"
        bounds = BUST_CM if entity == "bust" else WAIST_CM
        value = _in(girth_of(match.group("expr")), bounds)
        yield _candidate(entity, value, match, "expr", priority=1)
    for match in _CHI_ALONE.finditer(text):
        yield _candidate("waist", _in(girth_of(match.group(1)), WAIST_CM), match, 1)


def _heights_next_to(text: str, weights: List[Candidate]) -> Iterable[Candidate]:
    """``175 140斤`` / ``165/110斤`` / ``110斤 165``: a 140-200 number beside a weight."""
    for weight in weights:
        before = _HEIGHT_BEFORE_WEIGHT.search(text, 0, weight.match_start)
        if before:
            yield Candidate("height", int(before.group(1)), *before.span(1), *before.span(1))
        after = _HEIGHT_AFTER_WEIGHT.match(text, weight.match_end)
        if after:
            yield Candidate("height", int(after.group(1)), *after.span(1), *after.span(1))


def find_measurements(text: str) -> List[Candidate]:
    """All measurement candidates in normalised ``text`` (overlapping; see candidates.resolve)."""
    weights = [c for c in _weights(text) if c is not None]
    found = [c for c in [*_heights(text), *_girths(text)] if c is not None]
    return [*weights, *found, *_heights_next_to(text, weights)]
