"""The parse cache (bot/rasa_runtime/parsing.py, patch 4) gives what the NLU graph gives, with
the trained model: our pipeline's output depends on the text alone."""

from __future__ import annotations

import asyncio
import copy

from rasa.core.channels.channel import UserMessage

from bot.model_files import trained_model
from bot.rasa_runtime import parsing, patches

TEXTS = ["亲 在吗", "包邮吗", "身高165体重100斤穿什么码", "我的快递到哪了 261124012290", "😊", "", "/greet", "L码"]


def test_cached_parses_equal_the_graphs_and_cannot_be_changed_by_a_caller() -> None:
    from rasa.core.agent import Agent

    assert patches.apply()["parses kept by text"]
    agent = Agent.load(str(trained_model()))
    processor = agent.processor
    original = patches.original_of(next(p for p in patches.PATCHES if p.name == "parses kept by text"))
    parsing.CACHE.clear()

    async def parse(text: str, sender: str) -> dict:
        return await processor.parse_message(UserMessage(text, sender_id=sender, metadata={"item_id": sender}))

    for text in TEXTS:
        first = asyncio.run(parse(text, "T001"))
        expected = copy.deepcopy(first)
        first["intent"]["name"] = "changed by the caller"
        again = asyncio.run(parse(text, "T002"))  # another buyer, other metadata: the same parse
        graph = original(processor, UserMessage(text, sender_id="x"), None)
        assert again == expected
        assert {k: v for k, v in graph.items()} == {k: v for k, v in expected.items()}
    assert len(parsing.CACHE) == len(set(TEXTS))

    # The full output carries the message id and metadata: never cached.
    full = processor._parse_message_with_graph(UserMessage("包邮吗", message_id="m1"), None, False)
    assert full.get("message_id") == "m1"
    assert len(parsing.CACHE) == len(set(TEXTS))


def test_kept_parses_are_outside_the_garbage_collectors_walk_and_handed_out_as_copies() -> None:
    import gc

    cache = parsing.ParseCache(2)
    parsed = {"text": "包邮吗", "intent": {"name": "ask_free_shipping", "confidence": 0.9}, "entities": []}
    cache.keep(("m", "包邮吗"), parsed)
    parsed["intent"]["name"] = "changed after keeping"
    kept = cache._parses[("m", "包邮吗")]
    assert not gc.is_tracked(kept)  # what a full collection walks: not this
    first, second = cache.get(("m", "包邮吗")), cache.get(("m", "包邮吗"))
    assert first == second and first["intent"]["name"] == "ask_free_shipping"
    first["entities"].append({"entity": "x"})
    assert second["entities"] == [] and cache.get(("m", "包邮吗"))["entities"] == []

    def not_picklable() -> None:  # kept as a deep copy instead, as before
        return None

    cache.keep(("m", "odd"), {"text": "odd", "hook": not_picklable})
    assert cache.get(("m", "odd"))["hook"] is not_picklable
    cache.keep(("m", "third"), {"text": "third"})
    assert len(cache) == 2 and cache.get(("m", "包邮吗")) is None  # the least recently used dropped
