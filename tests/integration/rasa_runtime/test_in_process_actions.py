"""Our actions in the Rasa server's process (patch 6): Rasa's own `RemoteAction.run`, with no action
server anywhere, runs them against Redis; rasa-sdk's answers and errors come back as over HTTP."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Iterator, List, Text

import pytest
import rasa_sdk
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Action, Tracker
from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection as SdkRejection

from bot import bootstrap
from bot.rasa_runtime import action_failures, in_process_actions, patches
from tests.conftest import handoffs_of


class ActionThatRaises(Action):
    def name(self) -> Text:
        return "action_test_raises"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        raise RuntimeError("a bug outside ShopAction's own failure handling")


class ActionThatRejects(Action):
    def name(self) -> Text:
        return "action_test_rejects"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        raise SdkRejection(self.name(), "not this time")  # a form's validation does this


@pytest.fixture
def in_process(redis_server: Any, demo: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The Rasa server's settings: the test Redis, the demo shop, ACTIONS_IN_PROCESS at its default."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("SHOP_ID", "demo")
    monkeypatch.delenv("ACTIONS_IN_PROCESS", raising=False)
    caches = (patches.actions_in_process, action_failures._shop, bootstrap.action_server_services)
    for cache in caches:
        cache.cache_clear()
    assert patches.apply()["actions in the Rasa server's process"] is True
    yield
    for cache in caches:
        cache.cache_clear()


def run(action_name: str, tracker: DialogueStateTracker) -> List[Any]:
    # No action endpoint at all: over HTTP Rasa would fail before calling anything.
    action = RemoteAction(action_name, None)
    return asyncio.run(action.run(CollectingOutputChannel(), None, tracker, Domain.empty()))


def asked(sender: str, text: str, intent: str, item_id: str = "T001") -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, [])
    tracker.update(UserUttered(text, {"name": intent, "confidence": 0.95}, metadata={"item_id": item_id}))
    return tracker


def test_the_rasa_sdk_code_mirrored_is_what_it_was_written_for() -> None:
    # Fails when rasa-sdk is upgraded: re-check the status each error gets in its `/webhook`
    # (in_process_actions.InProcessEndpoint answers the same), then update the fingerprints.
    assert rasa_sdk.__version__ == in_process_actions.RASA_SDK_VERSION
    assert patches.source_fingerprint(create_app) == in_process_actions.CREATE_APP_SHA256
    assert patches.source_fingerprint(ActionExecutor.run) == in_process_actions.EXECUTOR_RUN_SHA256


def test_a_turn_runs_our_action_in_this_process(in_process: None, store: Any) -> None:
    events = run("action_free_shipping", asked("buyer_xiaomei", "这件包邮吗", "ask_free_shipping"))
    said = [e.text for e in events if isinstance(e, BotUttered)]
    assert said and "包邮" in said[0]
    slots = {e.key: e.value for e in events if isinstance(e, SlotSet)}
    assert slots["current_product"] == "T001"  # the action's own events, deserialised by Rasa
    assert handoffs_of(store).handoff("buyer_xiaomei") is None
    assert in_process_actions.executor() is in_process_actions.executor()  # built once per process


def test_an_action_that_raises_in_this_process_hands_the_chat_off_with_the_apology(in_process: None, store: Any) -> None:
    in_process_actions.executor().register_action(ActionThatRaises)
    events = run("action_test_raises", asked("buyer_ahua", "这件包邮吗", "ask_free_shipping"))
    assert len(events) == 2 and isinstance(events[0], BotUttered) and "人工" in events[0].text
    assert isinstance(events[1], SlotSet) and events[1].key == "handoff_reason" and events[1].value == "action_failed"
    handoff = handoffs_of(store).handoff("buyer_ahua")
    assert handoff is not None and handoff.reason == "action_failed"


def test_an_unknown_action_is_a_failure_and_a_rejection_stays_a_rejection(in_process: None, store: Any) -> None:
    events = run("action_nobody_wrote", asked("buyer_a", "在吗", "greet"))
    assert "人工" in events[0].text  # rasa-sdk's 404 over HTTP: a failed action
    in_process_actions.executor().register_action(ActionThatRejects)
    with pytest.raises(ActionExecutionRejection):  # a form's validation still reaches Rasa's form
        run("action_test_rejects", asked("buyer_b", "在吗", "greet"))
    assert handoffs_of(store).handoff("buyer_b") is None


def test_actions_run_off_the_event_loop(in_process: None) -> None:
    """A sync action blocking on Redis must not stop the Rasa server's other buyers."""
    import threading

    seen: List[str] = []

    class ActionThatNotesItsThread(Action):
        def name(self) -> Text:
            return "action_test_thread"

        def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
            seen.append(threading.current_thread().name)
            return []

    in_process_actions.executor().register_action(ActionThatNotesItsThread)
    assert run("action_test_thread", asked("buyer_c", "在吗", "greet")) == []
    assert seen and seen[0].startswith("actions") and seen[0] != threading.main_thread().name


def _types(value: Any) -> Any:
    """The value's shape with every container's and scalar's type spelled out."""
    if isinstance(value, dict):
        return ("dict", {k: _types(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_types(v) for v in value])
    return (type(value).__name__, value)


def test_the_payload_copy_is_what_json_would_give_and_shares_nothing_with_rasa() -> None:
    from bot.settings import PROJECT_ROOT

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    tracker = DialogueStateTracker("buyer", domain.slots)
    for n in range(3):
        parse = {
            "intent": {"name": "ask_size", "confidence": 0.9},
            "entities": [{"entity": "height", "value": "165", "start": 2, "end": 5}],
            "intent_ranking": [{"name": "ask_size", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}],
        }
        tracker.update(UserUttered(f"身高165 第{n}句", parse["intent"], parse["entities"], parse, metadata={"item_id": "T001"}))
        tracker.update(SlotSet("current_product", "T001"))
        tracker.update(BotUttered("亲，推荐M码哦", {"buttons": [{"title": "好的", "payload": "/affirm"}]}))
    for with_domain in (False, True):
        payload = RemoteAction("action_answer_size", None)._action_call_format(tracker, domain)
        if with_domain:
            payload["domain"] = domain.as_dict()
        copied = in_process_actions._copy_of_payload(payload)
        assert _types(copied) == _types(in_process_actions._through_json(payload))
    copied["tracker"]["events"][0]["parse_data"]["intent"]["name"] = "changed by an action"
    assert tracker.events[0].parse_data["intent"]["name"] == "ask_size"
    # A numpy number (a classifier's confidence) stays that number; marshal would give its bytes.
    import numpy as np

    odd = {"latest_message": {"intent": {"confidence": np.float64(0.5)}}}
    assert in_process_actions._copy_of_payload(odd) == {"latest_message": {"intent": {"confidence": 0.5}}}
