"""The NLU parse is made of Python's own types: it is copied into every action payload and
tracker copy of the chat, and a numpy scalar in it makes each copy several times slower
(bot/nlu/classifier.py)."""

from __future__ import annotations

import asyncio
from typing import Any, Iterator

from rasa.core.channels.channel import UserMessage

from bot.model_files import trained_model

PLAIN = (str, int, float, bool, type(None), list, tuple, dict)
TEXTS = ["亲 在吗", "包邮吗", "身高165体重100斤穿什么码", "我的快递到哪了 261124012290", "这衣服起球吗", "😊", "L码"]


def values(value: Any, path: str = "") -> Iterator[tuple]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield path + "/key", key
            yield from values(item, f"{path}/{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from values(item, f"{path}/{index}")


def test_every_value_of_a_parse_is_a_plain_python_value() -> None:
    from rasa.core.agent import Agent

    processor = Agent.load(str(trained_model())).processor
    for text in TEXTS:
        parsed = asyncio.run(processor.parse_message(UserMessage(text, sender_id="plain")))
        assert parsed["intent"]["name"], text
        for path, value in values(parsed):
            assert type(value) in PLAIN, (text, path, type(value))
