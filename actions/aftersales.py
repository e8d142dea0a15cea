"""Returns, exchanges, refunds and quality complaints."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction, Turn
from actions.orders import ask_to_cancel, order_in_question, say_order_not_found
from bot.behaviours import CLARIFY
from bot.handoff.rules import refund_needs_human
from bot.models import HandoffReason, OrderStatus
from bot.photos.intake import attach_earlier_photos
from bot.replies import aftersales as aftersales_replies
from bot.replies import chat as chat_replies
from bot.services.acknowledgement import Acknowledgement
from bot.services.aftersales import complaint_subject, record_quality_complaint, request_return
from bot.services.evidence import asks_cancel, asks_return, is_praise, mentions_shipped, names_a_problem
from bot.services.orders import AFTER_SALES, order_to_cancel


class ActionReturnExchange(ShopAction):
    topic = "return_exchange"

    def name(self) -> str:
        return "action_return_exchange"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        if not (asks_return(turn.text) or asks_cancel(turn.text)):
            # The nearest topic, not a request: nothing is registered on a guess.
            dispatcher.utter_message(text=chat_replies.ask_what_to_do_with_order())
            turn.behaviour = CLARIFY
            return []
        cancellable = order_to_cancel(turn.store, turn.buyer_id, turn.order_id)
        if asks_cancel(turn.text) and not mentions_shipped(turn.text) and cancellable is not None:
            return ask_to_cancel(turn, dispatcher)  # before it ships: cancel, once confirmed
        prefer = (OrderStatus.shipped, OrderStatus.delivered) if mentions_shipped(turn.text) else AFTER_SALES
        order = order_in_question(turn, prefer)
        if order is None:
            return say_order_not_found(turn, dispatcher)
        policy = turn.shop.policy
        if refund_needs_human(policy, order):
            dispatcher.utter_message(text=aftersales_replies.refund_to_human(order))
            dispatcher.utter_message(text=turn.hand_off(HandoffReason.refund_over_limit, order_id=order.id))
            return []
        decision = request_return(turn.store, policy, order, turn.conversation_id, turn.text, turn.services.clock)
        dispatcher.utter_message(text=aftersales_replies.return_decision(decision))
        return []


class ActionComplainQuality(ShopAction):
    topic = "complain_quality"

    def name(self) -> str:
        return "action_complain_quality"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        if is_praise(turn.text):  # "收到了 质量不错": thanks, never a complaint
            turn.say_acknowledgement(Acknowledgement.praise, dispatcher)
            return []
        if not names_a_problem(turn.text):
            # Recorded complaints reach the factory report: only what the words name.
            dispatcher.utter_message(text=chat_replies.ask_problem())
            turn.behaviour = CLARIFY
            return []
        order, product = complaint_subject(
            turn.store, turn.buyer_id, turn.order_id, turn.product, named=bool(turn.entity("product"))
        )
        record = record_quality_complaint(
            turn.store, turn.buyer_id, turn.conversation_id, turn.text, product, order, turn.services.clock
        )
        attach_earlier_photos(turn.store, turn.conversation_id, turn.services.clock())
        dispatcher.utter_message(text=aftersales_replies.complaint(record))
        # The photos, the remedy and the buyer's mood are for a person to handle.
        dispatcher.utter_message(text=turn.hand_off(HandoffReason.quality_complaint, order_id=order.id if order else None))
        return []
