"""Order status and address changes, for the chatting buyer's own orders only."""

from __future__ import annotations

from typing import List, Optional, Sequence

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import PENDING_CANCEL_SLOT, ShopAction, Turn
from bot.behaviours import ACK, CLARIFY, flow
from bot.models import HandoffReason, Order, OrderStatus
from bot.replies import orders as orders_replies
from bot.services.acknowledgement import Acknowledgement
from bot.services.evidence import asks_address_change, reports_arrival, says_not_ordered_yet
from bot.services.orders import (
    ADDRESS_CHANGE,
    CANCELLABLE,
    PARCEL_QUESTION,
    expected_dispatch,
    find_own_order,
    is_late,
    item_names,
    looks_like_address,
    order_to_cancel,
    request_address_change,
    request_cancel,
)


def order_in_question(turn: Turn, prefer: Sequence[OrderStatus] = ()) -> Optional[Order]:
    return find_own_order(turn.store, turn.buyer_id, turn.order_id, prefer)


def order_status_text(turn: Turn, order: Order) -> str:
    policy = turn.shop.policy
    return orders_replies.order_status(
        order, policy, expected_dispatch(order, policy), turn.services.now(), item_names(turn.store, order)
    )


def say_order_not_found(turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
    """No order of this buyer's matches: say so, and forget an id they typed (another buyer's,
    or a typo), so that their own parcel is found again on the next question."""
    dispatcher.utter_message(text=orders_replies.order_not_found(turn.order_id))
    turn.behaviour = CLARIFY  # asks for the right order
    return [SlotSet("order_id", None)] if turn.slot("order_id") else []


def tell_order_status(turn: Turn, order: Order, dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(text=order_status_text(turn, order))
    if is_late(order, turn.shop.policy, turn.services.now()):
        # The answer promises that a person follows up the late dispatch: make it so.
        dispatcher.utter_message(text=turn.hand_off(HandoffReason.late_dispatch, order_id=order.id))


class ActionOrderStatus(ShopAction):
    topic = "order_status"

    def name(self) -> str:
        return "action_order_status"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        if reports_arrival(turn.text) or says_not_ordered_yet(turn.text):  # news, not a question
            turn.say_acknowledgement(Acknowledgement.ack, dispatcher)
            return []
        order = order_in_question(turn, PARCEL_QUESTION)
        if order is None:
            return say_order_not_found(turn, dispatcher)
        tell_order_status(turn, order, dispatcher)
        return []


class ActionChangeAddress(ShopAction):
    topic = "change_address"

    def name(self) -> str:
        return "action_change_address"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        if not (asks_address_change(turn.text) or looks_like_address(turn.text)):
            # "这个地址能送到吗", "给我一个回寄地址": about an address, not a change of one.
            dispatcher.utter_message(text=orders_replies.ask_address_change())
            turn.behaviour = CLARIFY
            return []
        order = order_in_question(turn, ADDRESS_CHANGE)
        if order is None:
            return say_order_not_found(turn, dispatcher)
        change = request_address_change(turn.store, order, turn.conversation_id, turn.text, turn.services.clock)
        dispatcher.utter_message(text=orders_replies.address_change(change))
        return []


def ask_to_cancel(turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
    """A cancel request: name the order it would cancel (never a shipped one) and ask first."""
    order = order_to_cancel(turn.store, turn.buyer_id, turn.order_id)
    if order is None:
        dispatcher.utter_message(text=orders_replies.nothing_to_cancel())
        turn.behaviour = CLARIFY
        return []
    if turn.slot(PENDING_CANCEL_SLOT) == order.id and "确认" in turn.text:
        return settle_pending_cancel(turn, dispatcher, confirmed=True)
    dispatcher.utter_message(text=orders_replies.confirm_cancel(order, item_names(turn.store, order)))
    turn.behaviour = flow("cancel_order")
    return [SlotSet(PENDING_CANCEL_SLOT, order.id)]


def settle_pending_cancel(turn: Turn, dispatcher: CollectingDispatcher, confirmed: bool) -> List[EventType]:
    order = find_own_order(turn.store, turn.buyer_id, turn.slot(PENDING_CANCEL_SLOT))
    if order is None or order.status not in CANCELLABLE:  # shipped or paid elsewhere meanwhile
        dispatcher.utter_message(text=orders_replies.nothing_to_cancel())
        turn.behaviour = CLARIFY
    elif confirmed:
        request_cancel(turn.store, order, turn.conversation_id, turn.text, turn.services.clock)
        dispatcher.utter_message(text=orders_replies.cancel_recorded(order))
        turn.behaviour = flow("cancel_order")
    else:
        dispatcher.utter_message(text=orders_replies.cancel_kept(order))
        turn.behaviour = ACK
    return [SlotSet(PENDING_CANCEL_SLOT, None)]
