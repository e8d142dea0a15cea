"""Returns, exchanges, refunds and quality complaints."""
from __future__ import annotations

from typing import List, Optional, Tuple

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction, Turn
from actions.orders import AFTER_SALES, order_in_question, say_order_not_found
from bot import replies
from bot.models import Order, Product
from bot.services.aftersales import record_quality_complaint, request_return
from bot.handoff.rules import refund_needs_human


class ActionReturnExchange(ShopAction):
    topic = "return_exchange"

    def name(self) -> str:
        return "action_return_exchange"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        order = order_in_question(turn, AFTER_SALES)
        if order is None:
            return say_order_not_found(turn, dispatcher)
        policy = turn.shop.policy
        if refund_needs_human(policy, order):
            dispatcher.utter_message(text=replies.refund_to_human(order))
            reason = (
                f"refund on order {order.id} ({order.total:g} yuan) is over the shop's "
                f"{policy.handoff_refund_over:g} yuan limit"
            )
            dispatcher.utter_message(text=turn.hand_off(reason, order_id=order.id))
            return []
        decision = request_return(
            turn.store, policy, order, turn.conversation_id, turn.text, turn.services.clock
        )
        dispatcher.utter_message(text=replies.return_decision(decision))
        return []


def complaint_subject(turn: Turn) -> Tuple[Optional[Order], Optional[Product]]:
    """The received order and item a complaint is about; never an item that order does not hold."""
    if turn.order_id:
        order = order_in_question(turn, AFTER_SALES)
        return order, (item_of(turn, order, turn.product) if order else turn.product)
    product = turn.product
    if product is not None:
        received = next(
            (o for o in turn.store.orders_of(turn.buyer_id)
             if o.status in AFTER_SALES and o.holds(product.sku)),
            None,
        )
        if received is not None or turn.entity("product"):
            return received, product  # the buyer named it, even if we have no order of it
    # Only the page they are browsing, which they have not received: their latest parcel, if any.
    order = order_in_question(turn, AFTER_SALES)
    if order is None or order.status not in AFTER_SALES:  # nothing received yet
        return None, product
    return order, item_of(turn, order, None)


def item_of(turn: Turn, order: Order, product: Optional[Product]) -> Optional[Product]:
    if product is not None and order.holds(product.sku):
        return product
    return turn.store.product(order.items[0].sku)  # an order holds at least one item


class ActionComplainQuality(ShopAction):
    topic = "complain_quality"

    def name(self) -> str:
        return "action_complain_quality"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        order, product = complaint_subject(turn)
        record = record_quality_complaint(
            turn.store, turn.buyer_id, turn.conversation_id, turn.text, product, order, turn.services.clock
        )
        dispatcher.utter_message(text=replies.complaint(record))
        # The photos, the remedy and the buyer's mood are for a person to handle.
        dispatcher.utter_message(text=turn.hand_off("quality complaint", order_id=order.id if order else None))
        return []
