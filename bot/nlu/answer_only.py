"""Recognise messages that are nothing but an answer: "165", "55kg", "L码", an order number.

A buyer who was just asked for a height or an order number often replies with the bare value.
Such a message has almost no words for an intent classifier to weigh, so its confidence swings
from one training run to the next and can fall under the fallback threshold. The entity rules
read these values exactly, so a rule decides the intent too: when everything in the message is
a rule-read entity or filler, the message is ``inform``.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

INFORM_INTENT = "inform"

# Entity types that answer a question the assistant asks. A bare product name is left to the
# classifier: "那个风扇" on its own is as likely a product question as an answer.
ANSWER_ENTITIES = frozenset({"height", "weight", "bust", "waist", "size", "colour", "order_id", "region"})

# Words that may surround a value without changing what the message asks: labels (身高, 订单号),
# units the rules leave outside the span, pronouns and sentence particles.
_FILLER_WORDS = (
    "订单号",
    "订单编号",
    "订单",
    "单号",
    "编号",
    "身高",
    "体重",
    "胸围",
    "腰围",
    "尺码",
    "颜色",
    "地址",
    "收货地",
    "大概",
    "左右",
    "差不多",
    "这个",
    "那个",
    "就是",
    "我是",
    "我的",
    "我",
    "是",
    "的",
    "在",
    "码",
    "号",
    "色",
    "高",
    "重",
    "cm",
    "kg",
    "斤",
    "公斤",
    "厘米",
    "亲",
    "哦",
    "噢",
    "喔",
    "啊",
    "呀",
    "呢",
    "吧",
    "嗯",
    "哈",
    "啦",
    "了",
    "额",
    # "那黑色呢", "如果是XL呢": the same question again, with the new value.
    "那",
    "如果是",
    "如果",
    "换成",
    "改成",
)
_FILLER_RE = re.compile("|".join(sorted((re.escape(word) for word in _FILLER_WORDS), key=len, reverse=True)))
_PUNCTUATION_RE = re.compile(r"[\s\W_]+", re.UNICODE)
# A bare number is not an entity on its own (165 could be cm or jin), but it is an answer to the
# question the assistant just asked. Two-digit numbers stay with the classifier: 88 is "bye".
_BARE_NUMBER_RE = re.compile(r"(?<![\d.])(?:\d{3,}|\d+\.\d+)(?![\d.])")


def is_answer_only(text: str, entities: Iterable[Mapping[str, Any]]) -> bool:
    """True when ``text`` holds an answer entity or a bare number, and nothing else but filler."""
    spans = sorted(
        (int(entity["start"]), int(entity["end"]))
        for entity in entities
        if entity.get("entity") in ANSWER_ENTITIES and isinstance(entity.get("start"), int) and isinstance(entity.get("end"), int)
    )
    rest, position = [], 0
    for start, end in spans:
        rest.append(text[position:start])
        position = max(position, end)
    rest.append(text[position:])
    leftover, bare_numbers = _BARE_NUMBER_RE.subn(" ", " ".join(rest))
    if not spans and not bare_numbers:
        return False
    return _PUNCTUATION_RE.sub("", _FILLER_RE.sub("", leftover)) == ""
