"""Requests for a lower price and for gifts, answered by the shop's ladder."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction, Turn
from bot.replies import bargaining as bargaining_replies
from bot.services.bargaining import respond as bargaining_reply


class ActionBargain(ShopAction):
    def name(self) -> str:
        return "action_bargain"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        ask_number = turn.count_slot("bargain_count") + 1
        reply = bargaining_reply(turn.shop.policy, turn.product, turn.buyer, ask_number, turn.region)
        dispatcher.utter_message(text=bargaining_replies.bargain(reply))
        return [SlotSet("bargain_count", ask_number)]


class ActionGift(ShopAction):
    def name(self) -> str:
        return "action_gift"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        dispatcher.utter_message(text=bargaining_replies.gift(turn.shop.policy, turn.product))
        return []
