"""Order status and address changes, for the chatting buyer's own orders only."""
from __future__ import annotations

from typing import List, Optional

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction, Turn
from bot import replies
from bot.models import Order
from bot.services.orders import expected_dispatch, find_own_order, request_address_change


def order_in_question(turn: Turn) -> Optional[Order]:
    return find_own_order(turn.store, turn.buyer_id, turn.entity("order_id") or turn.slot("order_id"))


def item_summary(turn: Turn, order: Order) -> str:
    names = []
    for item in order.items:
        product = turn.store.product(item.sku)
        name = product.name if product else item.sku
        names.append(f"{name} {item.colour}{'' if item.size == '均码' else ' ' + item.size}×{item.quantity}")
    return "，".join(names)


class ActionOrderStatus(ShopAction):
    topic = "order_status"

    def name(self) -> str:
        return "action_order_status"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        order = order_in_question(turn)
        if order is None:
            dispatcher.utter_message(text=replies.order_not_found(turn.entity("order_id") or turn.slot("order_id")))
            return []
        policy = turn.shop.policy
        text = replies.order_status(
            order, policy, expected_dispatch(order, policy), turn.services.now(), item_summary(turn, order)
        )
        dispatcher.utter_message(text=text)
        return []


class ActionChangeAddress(ShopAction):
    topic = "change_address"

    def name(self) -> str:
        return "action_change_address"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        order = order_in_question(turn)
        if order is None:
            dispatcher.utter_message(text=replies.order_not_found(turn.entity("order_id") or turn.slot("order_id")))
            return []
        change = request_address_change(turn.store, order, turn.conversation_id, turn.text, turn.services.clock)
        dispatcher.utter_message(text=replies.address_change(change))
        return []
