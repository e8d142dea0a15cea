"""Questions about an item: material, feel, colours, price, stock."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction, Turn
from bot.behaviours import CLARIFY
from bot.replies import products as products_replies
from bot.replies.cards import product_card
from bot.services.products import match_colour, question_topic


class ActionProductInfo(ShopAction):
    topic = "product_info"

    def name(self) -> str:
        return "action_product_info"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        if turn.product is None:
            dispatcher.utter_message(text=products_replies.ask_which_product())
            turn.behaviour = CLARIFY  # a question back, not an answer
            return []
        dispatcher.utter_message(text=products_replies.product_info(turn.product, question_topic(turn.text)))
        card = product_card(turn.product)
        if card:
            dispatcher.utter_message(attachment=card)
        return []


class ActionStock(ShopAction):
    answers_second = "ask_stock"
    topic = "stock"

    def name(self) -> str:
        return "action_stock"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        if turn.product is None:
            dispatcher.utter_message(text=products_replies.ask_which_product())
            turn.behaviour = CLARIFY  # a question back, not an answer
            return []
        # Only what this message names: an earlier colour must not narrow a new question.
        colour, shades = match_colour(turn.product, turn.entity("colour"))
        if shades:
            dispatcher.utter_message(text=products_replies.which_shade(turn.product, shades))
            return []
        dispatcher.utter_message(text=products_replies.stock(turn.product, colour, turn.entity("size")))
        return []
