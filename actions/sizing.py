"""Size recommendation: the size form collects height and weight, then the chart decides."""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import ShopAction, Turn, handoff_events
from bot.bootstrap import action_server_services
from bot.context import Services
from bot.handoff.rules import is_angry
from bot.models import HandoffReason
from bot.nlu.measurements import height_of, weight_of
from bot.replies import products as products_replies
from bot.replies import sizing as sizing_replies
from bot.replies.cards import size_chart_image
from bot.services.sizing import REQUIRED, Measurements, SizeOutcome, recommend_size

# Plausible adult body ranges; outside them the value is a misreading, so we ask again.
_BOUNDS = {"height_cm": (80, 230), "weight_kg": (20, 200)}


_NUMBER_RUN = re.compile(r"[0-9.]+|[零一二两三四五六七八九十百点米]+")


def wants_chart(text: str) -> bool:
    return "尺码表" in text or "尺寸表" in text


_TURN = "_shop_turn"  # the form run's Turn, on the tracker rasa-sdk built for that run


class ValidateSizeForm(FormValidationAction):
    def __init__(self, services: Optional[Services] = None) -> None:
        self._services = services

    def name(self) -> Text:
        return "validate_size_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        # The form runs before any shop action, so an upset buyer ("165 你们烦不烦") would
        # otherwise just be asked for the next measurement.
        turn = self._turn(tracker)
        if turn.handed_off_this_turn():
            # An action that interrupted the form (转人工, a complaint) handed the chat off:
            # end the form quietly instead of asking for a measurement.
            return self._stop()
        if not is_angry(turn.text):
            events = await super().run(dispatcher, tracker, domain)
            if turn.intent == "ask_size" and not any(e.get("event") == "slot" for e in events):
                # "那我穿多大码" while asked for a height: still the size question, nothing new in
                # it. Rasa would reject the form and fall back to asking back; the form asks
                # again for what it still needs instead (a set slot keeps the form's turn).
                events.append(SlotSet("last_topic", "sizing"))
            return events
        dispatcher.utter_message(text=turn.hand_off(HandoffReason.buyer_upset, upset=True))
        return self._stop() + handoff_events(turn.handoff_reason)

    def _turn(self, tracker: Tracker) -> Turn:
        """One Turn (one snapshot read, actions/snapshot.py) for the whole form run: rasa-sdk
        asks `required_slots` three times a run, with the run's own tracker."""
        turn = tracker.__dict__.get(_TURN)
        if not isinstance(turn, Turn):
            turn = Turn(tracker, self._services or action_server_services())
            tracker.__dict__[_TURN] = turn  # kept on the run's own tracker (rasa-sdk's Tracker is unhashable)
        return turn

    @staticmethod
    def _stop() -> List[EventType]:
        # Rasa rejects a form turn in which no slot was set, and would drop a reply said with it;
        # last_topic counts as a set slot. requested_slot None and ActiveLoop None end the form.
        return [SlotSet("last_topic", "sizing"), SlotSet("requested_slot", None), ActiveLoop(None)]

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        # Nothing to ask when there is no item yet, the item has one size, or the buyer wants the chart.
        turn = self._turn(tracker)
        if turn.product is None or not turn.product.size_chart or wants_chart(turn.text):
            return []
        return list(REQUIRED)

    # Asked for a height, a buyer often answers with a bare number ("165", "1.65"); the entity
    # rules rightly ignore bare numbers elsewhere, so the form reads them here.
    def extract_height_cm(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self._bare_answer(tracker, "height_cm", "height", lambda text: height_of(text, prefixed=True))

    def extract_weight_kg(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self._bare_answer(tracker, "weight_kg", "weight", lambda text: weight_of(text, None))

    @staticmethod
    def _bare_answer(tracker: Tracker, slot: str, entity: str, read: Callable[[str], Optional[float]]) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != slot or next(tracker.get_latest_entity_values(entity), None):
            return {}
        text = (tracker.latest_message or {}).get("text") or ""
        for candidate in [text, *_NUMBER_RUN.findall(text)]:  # "165", or "165吧" → "165"
            value = read(candidate.strip())
            if value is not None:
                return {slot: value}
        return {}

    def _bounded(self, name: str, value: Any, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        low, high = _BOUNDS[name]
        try:
            number = float(value)
        except (TypeError, ValueError):
            return {name: None}
        if low <= number <= high:
            return {name: number}
        dispatcher.utter_message(text=sizing_replies.ask_measurements([name]))
        return {name: None}

    def validate_height_cm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._bounded("height_cm", value, dispatcher)

    def validate_weight_kg(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._bounded("weight_kg", value, dispatcher)


class ActionRecommendSize(ShopAction):
    topic = "sizing"
    asks_back_when_unsure = False  # it closes the size form: the buyer's measurements, not a guess

    def name(self) -> str:
        return "action_recommend_size"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        product = turn.product
        if product is None:
            dispatcher.utter_message(text=products_replies.ask_which_product())
            return []
        if (product.size_chart or product.size_chart_image_url) and wants_chart(turn.text):
            if product.size_chart:
                dispatcher.utter_message(text=sizing_replies.size_chart(product))
            if product.size_chart_image_url:
                dispatcher.utter_message(text=sizing_replies.size_chart_picture(product), image=size_chart_image(product))
            return []
        body = Measurements(
            height_cm=turn.number_slot("height_cm"),
            weight_kg=turn.number_slot("weight_kg"),
            bust_cm=turn.number_slot("bust_cm"),
            waist_cm=turn.number_slot("waist_cm"),
        )
        advice = recommend_size(product, body)
        if advice.outcome is SizeOutcome.missing:
            dispatcher.utter_message(text=sizing_replies.ask_measurements(advice.missing))
            return []
        dispatcher.utter_message(text=sizing_replies.size_advice(product, advice, body.height_cm, body.weight_kg))
        if product.size_chart_image_url:
            dispatcher.utter_message(image=size_chart_image(product))
        return []
