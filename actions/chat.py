"""Greeting, goodbye, things the assistant cannot help with, and asking for a human."""
from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction, Turn
from bot import replies


class ActionGreet(ShopAction):
    def name(self) -> str:
        return "action_greet"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        dispatcher.utter_message(text=replies.greet(turn.shop, turn.buyer, turn.product))
        return []


class ActionGoodbye(ShopAction):
    def name(self) -> str:
        return "action_goodbye"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        today = turn.services.now().date()
        bought = any(o.created_at.date() == today for o in turn.store.orders_of(turn.buyer_id))
        dispatcher.utter_message(text=replies.goodbye(turn.shop, bought))
        return []


class ActionHandoff(ShopAction):
    def name(self) -> str:
        return "action_handoff"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        dispatcher.utter_message(text=turn.hand_off("buyer asked for a human"))
        return []


class ActionUnclear(ShopAction):
    """Out of scope or not understood: a polite answer asking to rephrase, then a human."""

    resets_unclear_count = False

    def name(self) -> str:
        return "action_unclear"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        count = int(turn.slot("unclear_count") or 0)
        if count >= 1:
            dispatcher.utter_message(text=turn.hand_off("assistant did not understand twice in a row"))
            return [SlotSet("unclear_count", 0)]
        intent = (turn.tracker.latest_message or {}).get("intent", {}).get("name")
        if not turn.text.strip():
            dispatcher.utter_message(text=replies.empty_message())
        elif intent == "out_of_scope":
            dispatcher.utter_message(text=replies.out_of_scope())
        else:
            dispatcher.utter_message(text=replies.rephrase())
        return [SlotSet("unclear_count", count + 1)]
