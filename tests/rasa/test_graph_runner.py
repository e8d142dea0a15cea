"""Patch 7 (bot/rasa_runtime/graph_runner.py): the trained model's graphs give the same parses and
the same predictions of the next action without dask's scheduler as with it."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Iterator

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.model_files import trained_model
from bot.rasa_runtime import patches
from bot.rasa_runtime.graph_runner import run_graph

TEXTS = ["親 這件包郵嗎", "我165 一百斤穿啥码😊", "订单261124012290到哪了", "", "/greet", "不要了!这么慢!"]
PATCH = "graphs run without dask's scheduler"


@pytest.fixture(scope="module")
def processor() -> Any:
    from rasa.core.agent import Agent

    assert patches.apply()[PATCH]
    return Agent.load(str(trained_model())).processor


@pytest.fixture
def with_runner() -> Iterator[Callable[[Any], None]]:
    def use(run: Any) -> None:
        DaskGraphRunner.run = run  # type: ignore[method-assign]

    yield use
    DaskGraphRunner.run = run_graph  # type: ignore[method-assign]


def trackers(processor: Any) -> Iterator[DialogueStateTracker]:
    slots = processor.domain.slots
    for text in TEXTS[:3]:
        parsed = asyncio.run(processor.parse_message(UserMessage(text, sender_id="b")))
        events = [ActionExecuted("action_listen"), UserUttered(text, parsed)]
        yield DialogueStateTracker.from_events("b", events, slots)
        # The same message inside the size form, with a slot already filled.
        yield DialogueStateTracker.from_events("b", [ActiveLoop("size_form"), SlotSet("height", 165), *events], slots)


def test_parses_are_dasks(processor, with_runner) -> None:
    rasas_parse = patches.original_of(next(p for p in patches.PATCHES if p.name == "parses kept by text"))
    dasks = patches.original_of(next(p for p in patches.PATCHES if p.name == PATCH))
    for text in TEXTS:
        with_runner(run_graph)
        ours = rasas_parse(processor, UserMessage(text, sender_id="b"), None, True)
        with_runner(dasks)
        theirs = rasas_parse(processor, UserMessage(text, sender_id="b"), None, True)
        ours.pop("message_id", None), theirs.pop("message_id", None)
        assert ours == theirs, text


def test_predictions_are_dasks(processor, with_runner) -> None:
    dasks = patches.original_of(next(p for p in patches.PATCHES if p.name == PATCH))
    for tracker in trackers(processor):
        with_runner(run_graph)
        ours = processor._predict_next_with_tracker(tracker)
        with_runner(dasks)
        theirs = processor._predict_next_with_tracker(tracker)
        assert ours.policy_name == theirs.policy_name
        assert ours.probabilities == theirs.probabilities
        assert ours.events == theirs.events and ours.optional_events == theirs.optional_events
        assert ours.max_confidence_index == theirs.max_confidence_index


def test_a_failing_node_raises_what_it_raised_under_dask(processor, with_runner) -> None:
    dasks = patches.original_of(next(p for p in patches.PATCHES if p.name == PATCH))
    runner = processor.graph_runner
    raised = []
    for run in (run_graph, dasks):
        with_runner(run)
        with pytest.raises(Exception) as error:
            runner.run(inputs={"__tracker__": "not a tracker"}, targets=[processor.model_metadata.core_target])
        raised.append(type(error.value))
    assert raised[0] is raised[1]
