"""A bare fact from the buyer (an order id, a region, a height, an item) continues the last topic."""

from __future__ import annotations

from typing import Dict, List, Type

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.aftersales import ActionComplainQuality, ActionReturnExchange
from actions.base import ShopAction, Turn
from actions.orders import ActionChangeAddress, ActionOrderStatus
from actions.products import ActionProductInfo, ActionStock
from actions.shipping import ActionCourier, ActionFreeShipping
from actions.sizing import ActionRecommendSize
from bot.behaviours import TOPIC_BEHAVIOURS
from bot.replies import chat as chat_replies

_BY_TOPIC: Dict[str, Type[ShopAction]] = {
    action.topic: action
    for action in (
        ActionOrderStatus,
        ActionChangeAddress,
        ActionReturnExchange,
        ActionComplainQuality,
        ActionFreeShipping,
        ActionCourier,
        ActionProductInfo,
        ActionStock,
        ActionRecommendSize,
    )
}


class ActionFollowUp(ShopAction):
    asks_back_when_unsure = False  # a rule-read fact continuing the topic, not a guess

    def name(self) -> str:
        return "action_follow_up"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        topic = turn.slot("last_topic")
        if turn.entity("height") or turn.entity("weight"):
            topic = "sizing"
        elif turn.entity("order_id") and topic not in ("change_address", "return_exchange", "complain_quality"):
            topic = "order_status"
        action = _BY_TOPIC.get(topic or "")
        if action is None:
            dispatcher.utter_message(text=chat_replies.noted_without_a_topic())
            return []
        # The same turn, not the inner action's own `run`: one turn hands off at most once.
        inner = action(self._services)
        turn.behaviour = TOPIC_BEHAVIOURS.get(topic or "")
        events = list(inner.respond(turn, dispatcher))
        if inner.topic:
            events.append(SlotSet("last_topic", inner.topic))
        return events
