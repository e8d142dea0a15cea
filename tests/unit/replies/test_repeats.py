"""The same reply is never sent three times in a chat."""

from __future__ import annotations

from typing import List

from bot.replies.repeats import REMINDER, first_unsaid, offer_a_person, varied


def send(text: str, said: List[str]) -> None:
    out = varied(text, said)
    if out is not None:
        said.append(out)


def test_an_answer_is_repeated_once_as_a_reminder_then_a_person_is_offered() -> None:
    said: List[str] = []
    for _ in range(5):
        send("亲，满99元包邮哦～", said)
    assert said == ["亲，满99元包邮哦～", REMINDER + "亲，满99元包邮哦～", offer_a_person()]
    assert varied("亲，满99元包邮哦～", said) is None  # only a person is left (the action hands off)


def test_a_question_is_never_asked_twice() -> None:
    said = ["亲，请问您问的是哪一款宝贝呢？"]
    assert varied("亲，请问您问的是哪一款宝贝呢？", said) == offer_a_person()


def test_no_text_three_times_whatever_comes() -> None:
    said: List[str] = []
    for text in ["A", "B？", "A", "B？", "A", "B？", "A"]:
        send(text, said)
    assert max(said.count(t) for t in said) <= 2 and said.count(offer_a_person()) == 1


def test_short_acknowledgements_rotate() -> None:
    options = ("好的亲～", "收到啦亲～")
    said = ["好的亲～"]
    assert first_unsaid(options, said) == "收到啦亲～"
    assert first_unsaid(options, ["收到啦亲～", "好的亲～"]) == "收到啦亲～"  # the one said longest ago
