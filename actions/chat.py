"""Greeting, goodbye, things the assistant cannot help with, and asking for a human."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction, Turn
from actions.orders import ActionChangeAddress, settle_pending_cancel
from actions.shipping import ActionShippingTime
from actions.words_first import ask_back
from bot.behaviours import ACK, UNSURE_BELOW, answer
from bot.handoff.rules import has_words
from bot.models import HandoffReason, OrderStatus
from bot.replies import chat as chat_replies
from bot.replies.repeats import first_unsaid
from bot.services.acknowledgement import Acknowledgement, acknowledgement
from bot.services.orders import looks_like_address


class ActionGreet(ShopAction):
    def name(self) -> str:
        return "action_greet"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        if turn.buyer_spoke_before():  # 在吗 in the middle of a chat: no second welcome
            dispatcher.utter_message(text=first_unsaid(chat_replies.GREET_AGAIN, turn.said_before))
            turn.behaviour = ACK  # "我在的，您请说": presence acknowledged, not a welcome
        else:
            dispatcher.utter_message(text=chat_replies.greet(turn.shop, turn.buyer, turn.product))
        return []


class ActionGoodbye(ShopAction):
    checks_the_words = False  # "拜拜" is a closing the goodbye answers itself

    def name(self) -> str:
        return "action_goodbye"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        if turn.confidence < UNSURE_BELOW:  # "美了", "我等几天再来看": a short word, not a farewell speech
            turn.say_acknowledgement(acknowledgement(turn.text) or Acknowledgement.ack, dispatcher)
            return []
        # "We'll ship it soon" only for an order paid and still waiting to ship.
        awaiting_dispatch = any(o.status is OrderStatus.paid for o in turn.store.orders_of(turn.buyer_id))
        dispatcher.utter_message(text=chat_replies.goodbye(turn.shop, awaiting_dispatch))
        return []


class ActionHandoff(ShopAction):
    checks_the_words = False

    def name(self) -> str:
        return "action_handoff"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        dispatcher.utter_message(text=turn.hand_off(HandoffReason.buyer_asked))
        return []


class ActionUnclear(ShopAction):
    """Out of scope or not understood: a polite answer asking to rephrase, then a human."""

    resets_unclear_count = False
    asks_back_when_unsure = False  # it is the asking back

    def name(self) -> str:
        return "action_unclear"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        # Rasa also runs this action as its core fallback, where no rule fits (a message the
        # size form rejected). No rule then says "listen", so Rasa would predict it again and
        # again until its circuit breaker trips, and as that leaves no action_listen behind,
        # every later message of the chat trips it at once: the chat goes silent for good.
        # One answer per turn, then wait for the buyer (an active form stays active).
        return [*super().run(dispatcher, tracker, domain), FollowupAction("action_listen")]

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        if turn.slot("last_topic") == ActionChangeAddress.topic and looks_like_address(turn.text):
            # The new address we asked for: too varied for the classifier, plain for a rule.
            return ActionChangeAddress(self._services).respond(turn, dispatcher)
        if not has_words(turn.original_text):
            # Nothing to understand, so nothing misunderstood: never a step towards a person.
            visible = any(char.isprintable() and not char.isspace() for char in turn.original_text)
            dispatcher.utter_message(text=chat_replies.rephrase() if visible else chat_replies.empty_message())
            return []
        if turn.siblings_sure():
            # Shipping time or parcel status, too close to call apart: the one action that
            # answers both (a parcel on its way, else when an order would leave and arrive).
            turn.behaviour = answer("ask_shipping_time")
            return ActionShippingTime(self._services).respond(turn, dispatcher)
        return ask_back(turn, dispatcher)


class ActionReplyWithResponse(ShopAction, ABC):
    """A fixed answer from domain.yml's responses, given through ShopAction.run so that an
    upset buyer who only says thanks, yes or no ("不要了 差评") is still handed to a person."""

    asks_back_when_unsure = False

    @property
    @abstractmethod
    def response(self) -> str:
        """The name of the response in domain.yml."""

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        dispatcher.utter_message(response=self.response)
        return []


class ActionAcknowledge(ShopAction, ABC):
    """Thanks, yes and no: a short answer in a wording not used yet in this chat."""

    kind = Acknowledgement.ack
    asks_back_when_unsure = False  # a short reply costs nothing when it was not meant

    @abstractmethod
    def name(self) -> str:
        """Abstract, so that rasa-sdk does not register this base as an action."""

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        turn.say_acknowledgement(acknowledgement(turn.text) or self.kind, dispatcher)
        return []


class ActionThank(ActionAcknowledge):
    kind = Acknowledgement.thanks

    def name(self) -> str:
        return "action_thank"


class ActionAffirm(ActionAcknowledge):
    def name(self) -> str:
        return "action_affirm"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        # Only a plain yes ("是的", "确认") to our own "确认取消吗？" cancels: never a yes-ish
        # message that says something else as well.
        if turn.awaits_cancel_answer() and (acknowledgement(turn.text) is Acknowledgement.ack or "确认" in turn.text):
            return settle_pending_cancel(turn, dispatcher, confirmed=True)
        return super().respond(turn, dispatcher)


class ActionDeny(ActionAcknowledge):
    def name(self) -> str:
        return "action_deny"

    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        if turn.awaits_cancel_answer():
            return settle_pending_cancel(turn, dispatcher, confirmed=False)
        return super().respond(turn, dispatcher)


class ActionBotChallenge(ActionReplyWithResponse):
    response = "utter_bot_challenge"

    def name(self) -> str:
        return "action_bot_challenge"
