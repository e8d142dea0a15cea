"""Colour mentions: 黑色, 黑的, 浅蓝, 雾霾蓝 ... canonicalised to a name ending in 色."""

from __future__ import annotations

import re
from typing import Dict, Iterable, List

from bot.nlu.candidates import Candidate, lookahead

# Common clothing colour stems; the shop's own colours are added from the lexicon.
BASE_STEMS = (
    "雾霾蓝", "牛仔蓝", "天蓝", "宝蓝", "湖蓝", "藏蓝", "藏青", "墨绿", "军绿", "薄荷绿",
    "牛油果绿", "橄榄绿", "酒红", "大红", "枣红", "玫红", "玫瑰红", "西瓜红", "砖红", "姜黄",
    "芥末黄", "鹅黄", "柠檬黄", "米白", "奶白", "乳白", "象牙白", "本白", "烟灰", "银灰",
    "炭灰", "灰粉", "藕粉", "豆沙", "香芋紫", "香槟", "卡其", "咖啡", "焦糖", "燕麦",
    "驼", "杏", "米", "肤", "裸", "棕", "咖", "橙", "橘", "金", "银",
    "黑", "白", "红", "蓝", "绿", "黄", "紫", "灰", "粉", "青",
)  # fmt: skip
_TONES = ("浅", "深", "淡", "亮", "暗", "纯")
# Chars that end a colour name that is unambiguous without 色 (雾霾蓝, 酒红, 浅灰).
_COLOUR_CHARS = "黑白红蓝绿黄紫灰粉青棕"
# X的 means something else for these stems (1米的, 皮肤的, 年青的).
_NO_DE = frozenset({"米", "肤", "金", "银", "青", "裸", "咖"})
# Words in which a colour char is no colour (明白的 = "understood", 网红的 = "influencer's").
_NOT_COLOURS = frozenset(
    {
        "明白", "坦白", "空白", "清白", "告白", "表白", "独白", "网红", "走红", "爆红",
        "眼红", "分红", "拉黑", "抹黑", "摸黑", "天黑", "发黄", "泛黄", "变黄", "发黑",
    }
)  # fmt: skip


def _stem_of(colour: str) -> str:
    return colour[:-1] if colour.endswith("色") and len(colour) > 1 else colour


class ColourFinder:
    """Finds colours; ``shop_colours`` are the lexicon's names, which win as canonical forms."""

    def __init__(self, shop_colours: Iterable[str] = ()) -> None:
        self._canonical: Dict[str, str] = {}
        for colour in shop_colours:
            if colour:
                self._canonical.setdefault(_stem_of(colour), colour)
        stems = sorted({*BASE_STEMS, *self._canonical}, key=len, reverse=True)
        alternatives = "|".join(re.escape(stem) for stem in stems)
        tones = "|".join(_TONES)
        self._with_suffix = lookahead(rf"(?P<stem>(?:{tones})?(?:{alternatives}))(?P<suffix>色|的)")
        bare = [s for s in stems if len(s) >= 2 and s[-1] in _COLOUR_CHARS]
        bare_alternatives = "|".join(re.escape(stem) for stem in bare)
        self._bare = lookahead(rf"(?P<stem>(?:{tones})[{_COLOUR_CHARS}]|{bare_alternatives})(?![色的])")

    def canonical(self, stem: str) -> str:
        return self._canonical.get(stem, stem + "色")

    def find(self, text: str) -> List[Candidate]:
        found: List[Candidate] = []
        for pattern in (self._with_suffix, self._bare):
            for match in pattern.finditer(text):
                stem = match.group("stem")
                start = match.start(1)
                if start > 0 and text[start - 1 : start + 1] in _NOT_COLOURS:
                    continue
                suffix = match.groupdict().get("suffix")
                if suffix == "的" and stem in _NO_DE:
                    continue
                # The span covers 色 (part of the name) but not 的 (a particle).
                end = match.end(1) if suffix == "色" else match.end("stem")
                found.append(Candidate("colour", self.canonical(stem), start, end, start, match.end(1)))
        return found
