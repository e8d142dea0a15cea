"""Never the same reply three times in a chat: the second time is worded as a reminder, after
that the assistant changes approach and offers a person (actions/base.py hands off when even that
was said)."""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

REMINDER = "亲，和刚才说的一样哦："


def offer_a_person() -> str:
    return "亲，这个问题我好像没能帮上忙～回复“转人工”，我请人工客服来为您解答哦。"


def first_unsaid(options: Sequence[str], said: Iterable[str]) -> str:
    """The first wording not said in this chat yet (else the one said longest ago)."""
    history = list(said)
    fresh = next((option for option in options if option not in history), None)
    if fresh is not None:
        return fresh
    return min(options, key=lambda option: max(i for i, text in enumerate(history) if text == option))


def varied(text: str, said: Sequence[str]) -> Optional[str]:
    """`text` as it should go out given what was said before; None when only a person is left
    (the text, its reminder and the offer of a person were all said already)."""
    if text not in said:
        return text
    reminder = REMINDER + text
    if reminder not in said and "？" not in text and "?" not in text:
        return reminder  # an answer can be repeated once, as a reminder; a question never
    if offer_a_person() not in said:
        return offer_a_person()
    return None
