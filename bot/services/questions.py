"""A second question in the same message ("包邮吗？发什么快递？"): found from the words of its own
clause, so the assistant answers both instead of the classifier's one.

Precision first: only questions the shop's data answers, each recognised by explicit words in a
clause of its own (never from the classifier, which read the whole message as one intent).
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional

# Where one question ends and the next begins: punctuation, spaces, 还有/另外.
_CLAUSE_BREAK = re.compile(r"[，,。.！!？?；;～~\s]+|还有|另外|顺便问下|再问一下|再问下")

# The words that make a clause that question (a question about it, not a mention).
SECOND_QUESTION_WORDS: Dict[str, re.Pattern[str]] = {
    "ask_free_shipping": re.compile(r"包邮|运费(多少|怎么算|几块|是多少)|邮费(多少|怎么算|几块)|免运费"),
    "ask_courier": re.compile(
        r"(发|走|用)(的)?(什么|哪家|哪个|啥)(快递|物流)|什么快递|哪家快递|啥快递|能发顺丰|发顺丰吗|能走顺丰"
    ),
    "ask_shipping_time": re.compile(
        r"(什么时候|啥时候|几时|几号|多久|几天)(能|可以|才)?(发货|发出|寄出|发)|今天(能|可以)?(发货|发出|发)吗?|当天(能)?发"
    ),
    "ask_stock": re.compile(r"有货吗|有没有货|还有货|有现货吗|有现货没|缺货吗|还有吗"),
}


def clauses(text: str) -> List[str]:
    """The message cut where one question or remark ends and the next begins."""
    return [c for c in _CLAUSE_BREAK.split(text or "") if c]


def second_question(text: str, first_intent: Optional[str]) -> Optional[str]:
    """The intent of another question the message asks in a clause of its own, besides
    `first_intent` (the one being answered); None when there is none or the message is one clause."""
    parts = clauses(text)
    if len(parts) < 2:
        return None
    first_words = SECOND_QUESTION_WORDS.get(first_intent or "")
    for intent, words in SECOND_QUESTION_WORDS.items():
        if intent == first_intent:
            continue
        for clause in parts:
            if words.search(clause) and not (first_words and first_words.search(clause)):
                return intent
    return None
