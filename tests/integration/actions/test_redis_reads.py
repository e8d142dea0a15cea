"""What one action run asks Redis: one snapshot of the shop, the versions and the handoff record
(actions/snapshot.py), and a bounded handful of commands however many items the catalogue has
(one GET an item was 18 commands on the demo shop, in most answers; the catalogue is now kept
parsed by its version, bot/store.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict

from actions.bargaining import ActionBargain
from actions.products import ActionProductInfo
from actions.shipping import ActionFreeShipping
from bot.context import Services
from tests.integration.actions.test_actions import run, tracker


def commands(client: Any) -> Counter:
    stats: Dict[str, Dict[str, int]] = client.info("commandstats")
    return Counter({name.split("_", 1)[1]: int(value["calls"]) for name, value in stats.items()})


def test_an_answer_reads_the_item_the_handoff_and_the_catalogue_once(services: Services) -> None:
    client = services.store.client
    assert len(services.store.products()) > 10  # a catalogue where one GET an item would show
    services.knowledge.index()  # the process's first message builds the knowledge index (read once)
    for action, intent, text in (
        (ActionProductInfo, "ask_product_info", "这件什么面料"),
        (ActionFreeShipping, "ask_free_shipping", "这件包邮吗"),
        (ActionBargain, "bargain", "能便宜点吗"),
    ):
        before = commands(client)
        texts, _ = run(
            action(services), tracker(sender=f"buyer_{intent}", text=text, intent=intent, metadata={"item_id": "T001"})
        )
        sent = commands(client) - before
        sent["info"] -= 1  # this test's own INFO
        assert texts, action
        # One MULTI/EXEC, the run's snapshot: the shop, the catalogue and knowledge versions and
        # the handoff record; the item and the catalogue come parsed under that version.
        assert sent["multi"] == sent["exec"] == 1, (action, sent)
        assert sent["hgetall"] == 1, (action, sent)  # the handoff record
        assert sent["get"] <= 4, (action, sent)  # the snapshot's three, and the buyer
        assert sum(sent.values()) <= 7, (action, sent)


def test_a_size_form_run_reads_one_snapshot(services: Services) -> None:
    # rasa-sdk asks the form's required slots three times a run: one Turn, one snapshot.
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.sizing import ValidateSizeForm

    client = services.store.client
    services.store.product("T001")  # parsed once, as in a running server
    message = {"text": "165", "intent": {"name": "inform", "confidence": 0.9}, "entities": [], "metadata": {"item_id": "T001"}}
    slots = {"requested_slot": "height_cm", "current_product": "T001"}
    tracker = Tracker(
        "buyer_form", slots, message, [{"event": "user", "text": "165"}], False, None, {"name": "size_form"}, "action_listen"
    )
    domain = {"forms": {"size_form": {"required_slots": ["height_cm", "weight_kg"]}}, "slots": {"height_cm": {}, "weight_kg": {}}}
    before = commands(client)
    events = asyncio.run(ValidateSizeForm(services).run(CollectingDispatcher(), tracker, domain))
    sent = commands(client) - before
    assert any(e.get("name") == "height_cm" and e.get("value") == 165.0 for e in events), events
    assert sent["multi"] == sent["exec"] == 1, sent
