"""Reading a buyer's answer to the follow-up question (满意 / 一般 / 不满意, or 1-5). Exact rules,
as the entities are: a message that is not clearly a rating is left to the assistant."""

from __future__ import annotations

import re
from typing import Optional

from bot.models import Satisfaction

MAX_ANSWER_CHARS = 20  # a longer message is a question or a story: the assistant answers it
_QUESTION = re.compile(r"[?？吗呢]")
_DIGIT = re.compile(r"^([1-5])\s*(分|星)?$")
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_STARS = re.compile(r"^([一二两三四五])\s*(分|星|颗星)$")
# Tried in this order: the negative words contain the positive ones (不满意 ⊃ 满意).
_WORDS = (
    (Satisfaction.unsatisfied, ("不满意", "不太满意", "很差", "太差", "差评", "不好", "失望")),
    (Satisfaction.neutral, ("一般", "还行", "凑合", "马马虎虎", "还可以")),
    (Satisfaction.satisfied, ("满意", "很好", "不错", "好评", "喜欢", "挺好", "非常好", "超赞", "很棒")),
)


def read_rating(text: str) -> Optional[Satisfaction]:
    compact = re.sub(r"[\s!！。.,，~～]+", "", text or "").replace("不好意思", "")
    if not compact or len(compact) > MAX_ANSWER_CHARS or _QUESTION.search(compact):
        return None
    digit = _DIGIT.match(compact)
    stars = _STARS.match(compact)
    score = int(digit.group(1)) if digit else (_CHINESE_DIGITS[stars.group(1)] if stars else None)
    if score is not None:
        return Satisfaction.satisfied if score >= 4 else Satisfaction.neutral if score == 3 else Satisfaction.unsatisfied
    for rating, words in _WORDS:
        if any(word in compact for word in words):
            return rating
    return None
