"""Free shipping, couriers and when the shop ships."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction, Turn
from actions.orders import order_in_question, say_order_not_found, tell_order_status
from bot.behaviours import answer
from bot.models import OrderStatus
from bot.replies import shipping as shipping_replies
from bot.services.orders import expected_dispatch
from bot.services.products import add_ons_for_quote
from bot.services.shipping import (
    asks_about_an_order,
    asks_about_arrival,
    asks_which_courier,
    courier_options,
    find_courier,
    quote,
)


class ActionFreeShipping(ShopAction):
    answers_second = "ask_free_shipping"
    topic = "free_shipping"

    def name(self) -> str:
        return "action_free_shipping"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        policy = turn.shop.policy
        if turn.product is None and not turn.entity("region"):
            dispatcher.utter_message(text=shipping_replies.free_shipping_rule(policy))
            return []
        shipping = quote(policy, turn.product, turn.region, turn.buyer)
        extras = add_ons_for_quote(turn.store, shipping, turn.product)  # 凑单: what closes the gap
        dispatcher.utter_message(text=shipping_replies.free_shipping_with_add_ons(shipping, turn.product, extras))
        return []


class ActionCourier(ShopAction):
    answers_second = "ask_courier"
    topic = "courier"

    def name(self) -> str:
        return "action_courier"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        policy = turn.shop.policy
        if turn.entity("region") and not asks_which_courier(policy, turn.text):
            # "新疆能发吗" asks about the region (can it go, what it costs), not about couriers.
            shipping = quote(policy, turn.product, turn.region, turn.buyer)
            dispatcher.utter_message(text=shipping_replies.region_shipping(shipping, turn.product))
            return []
        options = courier_options(policy, turn.product, turn.region)
        asked = next((c.name for c in policy.upgrade_couriers if find_courier(policy, turn.text) == c), None)
        dispatcher.utter_message(text=shipping_replies.couriers(options, turn.product, asked))
        return []


class ActionShippingTime(ShopAction):
    answers_second = "ask_shipping_time"

    def name(self) -> str:
        return "action_shipping_time"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        on_its_way = next((o for o in turn.store.orders_of(turn.buyer_id) if o.status is OrderStatus.shipped), None)
        asks_a_region = bool(turn.entity("region"))
        if on_its_way is not None and not turn.order_id and not asks_a_region and asks_about_arrival(turn.text):
            tell_order_status(turn, on_its_way, dispatcher)  # where the parcel is, not the cut-off
            turn.behaviour = answer("ask_order_status")
            return []
        if asks_about_an_order(turn.text, names_an_order=bool(turn.entity("order_id"))):
            order = order_in_question(turn, (OrderStatus.paid,))
            if order is None:
                return say_order_not_found(turn, dispatcher)
            tell_order_status(turn, order, dispatcher)
            return []
        # Buying now: the cut-off rule, the courier and the region; a pending order is an aside.
        policy = turn.shop.policy
        now = turn.services.now()
        shipping = quote(policy, turn.product, turn.region, turn.buyer)
        text = shipping_replies.shipping_time(policy, now, shipping, turn.product)
        pending = next((o for o in turn.store.orders_of(turn.buyer_id) if o.status is OrderStatus.paid), None)
        if pending is not None and not shipping.restricted:
            text += shipping_replies.pending_order_aside(pending, expected_dispatch(pending, policy), now)
        dispatcher.utter_message(text=text)
        return []
