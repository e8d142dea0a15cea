"""Patch 5 (bot/rasa_runtime/patches.py): the NLU parse runs in its own thread, gives what
Rasa's own parse_message gives, and leaves the event loop free while it runs."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, List

from rasa.core.channels.channel import UserMessage

from bot.model_files import trained_model
from bot.rasa_runtime import patches

TEXTS = ["親 這件包郵嗎", "我165 一百斤穿啥码😊", "订单261124012290到哪了", "", "/greet"]


def test_the_parse_runs_off_the_event_loop_and_gives_rasas_answer() -> None:
    from rasa.core.agent import Agent

    assert patches.apply()["the NLU parse off the event loop"]
    processor = Agent.load(str(trained_model())).processor
    rasas_own = patches.original_of(next(p for p in patches.PATCHES if p.name == "the NLU parse off the event loop"))
    graph = processor._parse_message_with_graph
    threads: List[str] = []

    def watched(*args: Any) -> Any:
        threads.append(threading.current_thread().name)
        time.sleep(0.2)  # a slow parse: the loop must keep running meanwhile
        return graph(*args)

    processor._parse_message_with_graph = watched  # type: ignore[method-assign]

    async def parse_while_ticking(text: str) -> tuple:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        parsed = await processor.parse_message(UserMessage(text, sender_id="b1"))
        ticker.cancel()
        return parsed, ticks

    for text in TEXTS:
        ours, ticks = asyncio.run(parse_while_ticking(text))
        theirs = asyncio.run(rasas_own(processor, UserMessage(text, sender_id="b1")))
        assert ours == theirs, text
        assert ticks >= 5, text  # Rasa's own parse would have held the loop for the whole 0.2 s
    assert threads[0::2] == [threads[0]] * len(TEXTS) and threads[0].startswith("nlu-parse")
    assert threads[1::2] == ["MainThread"] * len(TEXTS)
