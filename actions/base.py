"""Shared plumbing for every action: the chat's turn context, failure handling, slot upkeep.

`ShopAction` is abstract, so rasa-sdk does not register it as an action.
"""
from __future__ import annotations

import logging
import math
from abc import ABC, abstractmethod
from functools import cached_property
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import replies
from bot.context import Services, default_services
from bot.hours import in_working_hours
from bot.models import Buyer, Product, Shop
from bot.handoff_queue import HandoffQueue
from bot.services.handoff import request_handoff
from bot.services.handoff_rules import is_angry
from bot.services.products import resolve_product

logger = logging.getLogger(__name__)


class Turn:
    """What one action needs to know about the chat, read once from the tracker."""

    def __init__(self, tracker: Tracker, services: Services) -> None:
        self.tracker = tracker
        self.services = services
        self.store = services.store
        self.handed_off = False  # set once this turn queued the chat for a human

    @property
    def buyer_id(self) -> str:
        return self.tracker.sender_id

    @property
    def conversation_id(self) -> str:
        return self.tracker.sender_id

    @cached_property
    def shop(self) -> Shop:
        return self.store.shop()

    @cached_property
    def buyer(self) -> Optional[Buyer]:
        return self.store.buyer(self.buyer_id)

    @property
    def text(self) -> str:
        """The buyer's words as the NLU saw them (normalised), for keyword rules."""
        return (self.tracker.latest_message or {}).get("text") or ""

    @property
    def original_text(self) -> str:
        """What the buyer typed, before normalisation dropped emoji and control characters."""
        message = self.tracker.latest_message or {}
        original = message.get("original_text")
        return original if isinstance(original, str) else (message.get("text") or "")

    @property
    def metadata(self) -> Dict[str, Any]:
        metadata = (self.tracker.latest_message or {}).get("metadata")
        return metadata if isinstance(metadata, dict) else {}

    def entity(self, name: str) -> Optional[Any]:
        return next(self.tracker.get_latest_entity_values(name), None)

    def slot(self, name: str) -> Any:
        return self.tracker.get_slot(name)

    # Slots can be set from outside (Rasa's HTTP API, a test harness): a value of the wrong type
    # must read as missing, not crash the action and hand the chat off.
    def number_slot(self, name: str) -> Optional[float]:
        try:
            value = float(self.slot(name))
        except (TypeError, ValueError):
            return None
        return value if math.isfinite(value) else None  # NaN and infinity are missing too

    def count_slot(self, name: str) -> int:
        number = self.number_slot(name)
        return int(number) if number is not None and number >= 0 else 0

    @cached_property
    def product(self) -> Optional[Product]:
        """The item the buyer names; else the one they are looking at (channel metadata); else the
        chat's current one. An item page we do not know is not the previous item: None."""
        named = resolve_product(self.store, self.entity("product"))
        if named is not None:
            return named
        if self.metadata.get("item_id"):
            return resolve_product(self.store, self.metadata["item_id"])
        return resolve_product(self.store, self.slot("current_product"))

    @property
    def order_id(self) -> Optional[str]:
        order_id = self.entity("order_id") or self.slot("order_id")
        return str(order_id) if order_id else None

    @property
    def region(self) -> Optional[str]:
        return self.entity("region") or self.slot("region") or (self.buyer.region if self.buyer else None)

    def context_events(self) -> List[EventType]:
        """Keep the current product in a slot so later turns (and the agent) know it."""
        if self.product and self.product.sku != self.slot("current_product"):
            return [SlotSet("current_product", self.product.sku)]
        return []

    def with_human(self) -> bool:
        return HandoffQueue(self.store).with_human(self.conversation_id)

    def hand_off(self, reason: str, order_id: Optional[str] = None, upset: bool = False) -> str:
        """Queue the chat for a human (the assistant goes silent) and say so, honestly."""
        request_handoff(
            self.store, self.conversation_id, self.buyer_id, reason, self.text, self.services.clock, order_id
        )
        self.handed_off = True
        policy = self.shop.policy
        return replies.handoff(
            in_working_hours(policy.working_hours, self.services.now()), policy.working_hours, upset
        )


class ShopAction(Action, ABC):
    """Base of every custom action. Tests construct actions with their own Services."""

    # The topic a later `inform` turn (an order id, a region, a height) continues.
    topic: Optional[str] = None
    resets_unclear_count = True

    def __init__(self, services: Optional[Services] = None) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        return self._services or default_services()

    @abstractmethod
    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        """Say the answer; return the events (slots) it sets."""

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        turn = Turn(tracker, self.services)
        try:
            if turn.with_human():
                # Handed off earlier in this same turn (the size form hands off an upset buyer
                # and Rasa then runs the form's follow-up action): the human speaks next.
                return []
            events = list(self.respond(turn, dispatcher))
            if not turn.handed_off and is_angry(turn.text):
                # Answer what was asked, then let a person calm things down.
                dispatcher.utter_message(text=turn.hand_off("buyer is upset", upset=True))
        except Exception:  # a failing action must not leave the buyer without an answer
            logger.exception("action %s failed for %s", self.name(), tracker.sender_id)
            return self._fail_over(turn, dispatcher)
        events = turn.context_events() + events
        if self.topic:
            events.append(SlotSet("last_topic", self.topic))
        if self.resets_unclear_count and tracker.get_slot("unclear_count"):
            events.append(SlotSet("unclear_count", 0))
        return events

    def _fail_over(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        try:
            turn.hand_off(f"action {self.name()} failed")
        except Exception:
            # No human was called, so do not promise one.
            logger.exception("could not record the handoff for %s", turn.conversation_id)
            dispatcher.utter_message(text=replies.action_failed_no_handoff())
            return []
        dispatcher.utter_message(text=replies.action_failed())
        return []
