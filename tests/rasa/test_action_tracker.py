"""Patch 14 (bot/rasa_runtime/action_tracker.py): a custom action with no policy events gets the
turn's tracker itself, and the turn ends as with Rasa's `_run_action`; every other action, and
every later copy, gets Rasa's replayed copy."""

from __future__ import annotations

import asyncio
from typing import Any, List

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.model_files import trained_model
from bot.rasa_runtime import action_tracker, patches
from tests.integration.rasa_runtime.conversations import a_buyer_asking_for_a_size

RASA = patches.original_of(action_tracker.PATCH)


@pytest.fixture(scope="module")
def processor() -> Any:
    from rasa.core.agent import Agent

    assert patches.apply()["custom actions read the turn's tracker"]
    return Agent.load(str(trained_model())).processor


class Recorder:
    """Stands in for the action server: records the tracker each run got, answers or rejects."""

    def __init__(self, reject: bool = False) -> None:
        self.got: List[Any] = []
        self.reject = reject

    def as_run(self) -> Any:
        async def run(action: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
            self.got.append(tracker)
            if self.reject:
                raise ActionExecutionRejection(action.name())
            return [BotUttered("亲，在的呢"), SlotSet("last_topic", "product")]

        return run


def a_tracker(processor: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("buyer", list(a_buyer_asking_for_a_size()), processor.domain.slots)


def state(tracker: DialogueStateTracker) -> Any:
    """Events (without their creation times) and slots."""
    events = [{k: v for k, v in event.as_dict().items() if k != "timestamp"} for event in tracker.events]
    return events, tracker.current_slot_values()


def both_ways(processor: Any, monkeypatch: Any, prediction: PolicyPrediction, reject: bool = False) -> Any:
    recorder = Recorder(reject)
    monkeypatch.setattr(RemoteAction, "run", recorder.as_run())
    action = RemoteAction("action_greet", None)
    ours, theirs = a_tracker(processor), a_tracker(processor)
    nlg, channel = processor.nlg, CollectingOutputChannel()
    again = asyncio.run(action_tracker.run_action(processor, action, ours, channel, nlg, prediction))
    assert again == asyncio.run(RASA(processor, action, theirs, channel, nlg, prediction))
    assert state(ours) == state(theirs)
    assert len(recorder.got) == 2  # the action ran both ways (a failing run would log nothing)
    assert "copy" not in ours.__dict__ and ours.copy() is not ours  # later copies are Rasa's
    return recorder, ours


def test_a_custom_action_reads_the_turns_tracker(processor: Any, monkeypatch: Any) -> None:
    recorder, tracker = both_ways(processor, monkeypatch, PolicyPrediction([], "RulePolicy"))
    assert recorder.got[0] is tracker and recorder.got[1] is not tracker


def test_a_rejected_custom_action_leaves_the_tracker_as_rasa_does(processor: Any, monkeypatch: Any) -> None:
    recorder, tracker = both_ways(processor, monkeypatch, PolicyPrediction([], "RulePolicy"), reject=True)
    assert recorder.got[0] is tracker


def test_policy_events_still_go_to_a_copy(processor: Any, monkeypatch: Any) -> None:
    prediction = PolicyPrediction([], "RulePolicy", events=[SlotSet("last_topic", "size")])
    recorder, tracker = both_ways(processor, monkeypatch, prediction)
    assert recorder.got[0] is not tracker


def test_only_custom_actions_with_no_policy_events_read_the_turns_tracker(processor: Any) -> None:
    from rasa.core.actions.action import ActionListen
    from rasa.core.actions.forms import FormAction

    empty = PolicyPrediction([], "RulePolicy")
    assert action_tracker.reads_only(RemoteAction("action_greet", None), empty)
    assert not action_tracker.reads_only(ActionListen(), empty)
    assert not action_tracker.reads_only(FormAction("size_form", None), empty)
    with_events = PolicyPrediction([], "RulePolicy", events=[SlotSet("last_topic", "size")])
    assert not action_tracker.reads_only(RemoteAction("action_greet", None), with_events)
