"""Shared plumbing for every action: the chat's turn context, failure handling, slot upkeep.

`ShopAction` is abstract, so rasa-sdk does not register it as an action.
"""

from __future__ import annotations

import logging
import math
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Type

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.snapshot import RunSnapshot, read_snapshot
from actions.words_first import avoid_repeats, words_first
from bot.behaviours import (
    ACK,
    ANSWER_SOURCE_SLOT,
    BEHAVIOUR_SLOT,
    CLARIFY,
    CLOSE_CALL,
    GUESS_AT_LEAST,
    HANDOFF,
    SIBLING_INTENTS,
    SIBLINGS_SURE,
    answer,
    behaviour_of_action,
    flow,
)
from bot.bootstrap import action_server_services
from bot.cached import cached_property
from bot.context import Services
from bot.handoff.queue import HandoffQueue
from bot.handoff.request import hand_off_after_failure, request_handoff
from bot.handoff.rules import is_angry
from bot.hours import in_working_hours
from bot.knowledge.decision import classifier_unsure
from bot.metrics.fold import HANDOFF_SLOT
from bot.models import Buyer, Handoff, HandoffReason, Product, Shop
from bot.replies import chat as chat_replies
from bot.replies import handoff as handoff_replies
from bot.replies.repeats import first_unsaid
from bot.services.acknowledgement import Acknowledgement
from bot.services.evidence import asks_a_question
from bot.services.products import resolve_product
from bot.services.questions import second_question
from bot.store import ShopStore, ShopStoreAt

logger = logging.getLogger(__name__)


# The order our last turn asked "确认取消吗？" about (actions/orders.py).
PENDING_CANCEL_SLOT = "pending_cancel"


class Turn:
    """What one action needs to know about the chat, read once from the tracker."""

    def __init__(self, tracker: Tracker, services: Services) -> None:
        self.tracker = tracker
        self.services = services
        self.handed_off = False  # set once this turn queued the chat for a human
        self.handoff_reason: Optional[HandoffReason] = None
        # What this turn did, when not the action's default (bot/behaviours.py).
        self.behaviour: Optional[str] = None
        self.asked_back = False  # this turn counted as not understood (unclear_count moved on)

    @property
    def buyer_id(self) -> str:
        return self.tracker.sender_id

    @property
    def conversation_id(self) -> str:
        return self.tracker.sender_id

    @cached_property
    def snapshot(self) -> RunSnapshot:  # the shop, versions and handoff: one round trip a run
        return read_snapshot(self.services, self.conversation_id)

    @cached_property
    def store(self) -> ShopStore:
        return ShopStoreAt(self.services.store, self.snapshot.shop, self.snapshot.catalogue_version)

    @property
    def shop(self) -> Shop:
        return self.snapshot.shop

    @cached_property
    def buyer(self) -> Optional[Buyer]:
        return self.store.buyer(self.buyer_id)

    @property
    def text(self) -> str:
        """The buyer's words as the NLU saw them (normalised), for keyword rules."""
        return (self.tracker.latest_message or {}).get("text") or ""

    @property
    def original_text(self) -> str:
        """What the buyer typed, before normalisation dropped emoji and control characters."""
        message = self.tracker.latest_message or {}
        original = message.get("original_text")
        return original if isinstance(original, str) else (message.get("text") or "")

    @property
    def metadata(self) -> Dict[str, Any]:
        metadata = (self.tracker.latest_message or {}).get("metadata")
        return metadata if isinstance(metadata, dict) else {}

    def entity(self, name: str) -> Optional[Any]:
        return next(self.tracker.get_latest_entity_values(name), None)

    def slot(self, name: str) -> Any:
        return self.tracker.get_slot(name)

    # Slots can be set from outside (Rasa's HTTP API, a test harness): a value of the wrong type
    # must read as missing, not crash the action and hand the chat off.
    def number_slot(self, name: str) -> Optional[float]:
        try:
            value = float(self.slot(name))
        except (TypeError, ValueError):
            return None
        return value if math.isfinite(value) else None  # NaN and infinity are missing too

    def count_slot(self, name: str) -> int:
        number = self.number_slot(name)
        return int(number) if number is not None and number >= 0 else 0

    @cached_property
    def product(self) -> Optional[Product]:
        """The item the buyer names; else the one they are looking at (channel metadata); else the
        chat's current one. An item page we do not know is not the previous item: None."""
        named = resolve_product(self.store, self.entity("product"))
        if named is not None:
            return named
        if self.metadata.get("item_id"):
            return resolve_product(self.store, self.metadata["item_id"])
        return resolve_product(self.store, self.slot("current_product"))

    @property
    def order_id(self) -> Optional[str]:
        order_id = self.entity("order_id") or self.slot("order_id")
        return str(order_id) if order_id else None

    @property
    def region(self) -> Optional[str]:
        return self.entity("region") or self.slot("region") or (self.buyer.region if self.buyer else None)

    @cached_property
    def said_before(self) -> List[str]:
        """What the assistant (or an agent) already said in this session, oldest first."""
        texts: List[str] = []
        for event in self.tracker.events:
            if event.get("event") == "session_started":
                texts = []
            elif event.get("event") == "bot" and event.get("text"):
                texts.append(event["text"])
        return texts

    @property
    def intent(self) -> Optional[str]:
        return ((self.tracker.latest_message or {}).get("intent") or {}).get("name")

    @property
    def confidence(self) -> float:
        value = ((self.tracker.latest_message or {}).get("intent") or {}).get("confidence")
        return float(value) if isinstance(value, (int, float)) else 0.0

    @property
    def ranking(self) -> List[Dict[str, Any]]:
        ranking = (self.tracker.latest_message or {}).get("intent_ranking")
        return ranking if isinstance(ranking, list) else []

    def _top_two(self) -> List[Dict[str, Any]]:
        return [c for c in self.ranking if c.get("name") != "nlu_fallback"][:2]

    def top_two_close(self) -> bool:
        """The classifier's two best intents are too close to tell apart."""
        scores = [float(c.get("confidence") or 0) for c in self._top_two()]
        return len(scores) == 2 and scores[0] - scores[1] < CLOSE_CALL

    def siblings_sure(self) -> bool:
        """The two best intents are siblings one action answers together (bot/behaviours.py),
        and jointly sure: "快递大概几点能到" is shipping time or parcel status, not a guess."""
        top = self._top_two()
        names = {str(c.get("name")) for c in top}
        joint = sum(float(c.get("confidence") or 0) for c in top)
        siblings = any(names == set(group) for group in SIBLING_INTENTS)
        return siblings and joint >= SIBLINGS_SURE and asks_a_question(self.text)

    def likely_questions(self, limit: int = 3) -> List[str]:
        """Titles of the likeliest questions the assistant can answer, from the classifier's
        ranking (greetings, thanks and the like are never offered)."""
        titles: List[str] = []
        for candidate in self.ranking:
            title = chat_replies.SUGGESTION_TITLES.get(candidate.get("name") or "")
            if title and float(candidate.get("confidence") or 0) >= GUESS_AT_LEAST and title not in titles:
                titles.append(title)
        return titles[:limit]

    def classifier_unsure(self) -> bool:
        """The classifier had no intent it was sure of (bot/behaviours.py: UNSURE_BELOW)."""
        return classifier_unsure(self.intent, self.confidence)

    def buyer_spoke_before(self) -> bool:
        """The buyer sent an earlier message in this session (a shop's outreach message alone
        does not make a chat: the first 在吗 after it still gets the welcome)."""
        spoke = 0
        for event in self.tracker.events:
            if event.get("event") == "session_started":
                spoke = 0
            elif event.get("event") == "user":
                spoke += 1
        return spoke > 1

    @property
    def previous_behaviour(self) -> Optional[str]:
        """What the assistant did on the buyer's previous turn (bot/behaviours.py)."""
        value = self.slot(BEHAVIOUR_SLOT)
        return str(value) if value else None

    def awaits_cancel_answer(self) -> bool:
        """Our last turn asked whether to cancel an order: this message answers it."""
        return bool(self.slot(PENDING_CANCEL_SLOT)) and self.previous_behaviour == flow("cancel_order")

    def say_acknowledgement(self, kind: Acknowledgement, dispatcher: CollectingDispatcher) -> None:
        options = chat_replies.ACKNOWLEDGEMENTS[kind.value]
        dispatcher.utter_message(text=first_unsaid(options, self.said_before))
        self.behaviour = ACK  # the labels' word for thanks, praise and closings too

    def context_events(self) -> List[EventType]:
        """Keep the current product in a slot so later turns (and the agent) know it."""
        if self.product and self.product.sku != self.slot("current_product"):
            return [SlotSet("current_product", self.product.sku)]
        return []

    @cached_property
    def handoff(self) -> Optional[Handoff]:
        """The chat's handoff record as this action found it: read once a turn (issue: an action
        read it three or four times); after `hand_off` this turn, `handed_off` says the rest."""
        return self.snapshot.handoff

    @cached_property
    def queue(self) -> HandoffQueue:
        return HandoffQueue(self.store)

    def handed_off_this_turn(self) -> bool:
        """An earlier action of this same turn asked for a person (the handoff is open and was
        requested after the buyer's latest message arrived)."""
        handoff = self.handoff
        if handoff is None or not handoff.state.with_human:
            return False
        stamps = [e.get("timestamp") for e in self.tracker.events if e.get("event") == "user"]
        latest = next((s for s in reversed(stamps) if isinstance(s, (int, float))), None)
        return latest is not None and handoff.created_at.timestamp() >= latest

    def already_handed_off(self) -> bool:
        """A person was already asked for: asking again would only repeat the promise."""
        return self.handed_off or (self.handoff is not None and self.handoff.state.with_human)

    def assistant_silenced(self) -> bool:
        """A person has the chat (or, human_first, is about to take it): say nothing."""
        return not self.queue.answers(self.handoff, self.services.now(), self.shop.policy)

    def wait_update(self) -> Optional[str]:
        """The one 'still waiting for a person' line a long-waiting buyer gets, if due now."""
        if self.handoff is None:  # nobody is waited for
            return None
        if self.queue.take_wait_update(self.conversation_id, self.services.now(), self.handoff, self.shop.policy):
            return handoff_replies.handoff_still_waiting()
        return None

    def hand_off(self, reason: HandoffReason, order_id: Optional[str] = None, upset: bool = False) -> str:
        """Ask for a person (the assistant keeps answering until one claims the chat) and say
        what happens next, honestly."""
        outcome = request_handoff(
            self.store, self.conversation_id, self.buyer_id, reason, self.text, self.services.clock, order_id
        )
        self.handed_off = True
        self.handoff_reason = reason
        policy = self.shop.policy
        return handoff_replies.handoff(
            in_working_hours(policy.working_hours, self.services.now()),
            policy.working_hours,
            upset,
            agent_online=outcome.agent_online,
            queued=outcome.queued,
        )


def handoff_events(reason: Optional[HandoffReason]) -> List[EventType]:
    """Mark the session as handed off, with why (the owner's numbers count it)."""
    return [SlotSet(HANDOFF_SLOT, reason.value)] if reason else []


# The action that answers each intent when it comes as the second question of a message
# (bot/services/questions.py); filled by the actions that declare `answers_second`.
SECOND_ANSWERS: Dict[str, Type["ShopAction"]] = {}


class ShopAction(Action, ABC):
    """Base of every custom action. Tests construct actions with their own Services."""

    # The intent this action also answers as a message's second question ("包邮吗？发什么快递？").
    answers_second: Optional[str] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("answers_second"):
            SECOND_ANSWERS[cls.__dict__["answers_second"]] = cls

    # The topic a later `inform` turn (an order id, a region, a height) continues.
    topic: Optional[str] = None
    resets_unclear_count = True
    # Question answers first check the words themselves (a person asked for by name, a bare
    # acknowledgement); the chat actions (greet, thanks, yes/no, handoff) need no such check.
    checks_the_words = True
    # An answer that is only a guess is not given: below UNSURE_BELOW (or with two intents
    # neck and neck) the buyer is asked back with the likeliest questions instead.
    asks_back_when_unsure = True

    def __init__(self, services: Optional[Services] = None) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        return self._services or action_server_services()

    @abstractmethod
    def respond(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        """Say the answer; return the events (slots) it sets."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        turn = Turn(tracker, self.services)
        try:
            if turn.assistant_silenced() or turn.handed_off_this_turn():
                # An agent took the chat while this turn was on its way, or an earlier action of this
                # turn handed it off (the size form hands off an upset buyer, then Rasa runs its closing action).
                return []
            events = None
            if self.checks_the_words:
                events = words_first(turn, dispatcher, asks_back_when_unsure=self.asks_back_when_unsure)
            if events is None:
                events = list(self.respond(turn, dispatcher))
                events += self._answer_second_question(turn, dispatcher)
            avoid_repeats(turn, dispatcher, self.behaviour_of(turn))
            if not turn.handed_off and is_angry(turn.text) and not turn.already_handed_off():
                # Answer what was asked, then let a person calm things down.
                dispatcher.utter_message(text=turn.hand_off(HandoffReason.buyer_upset, upset=True))
            elif not turn.handed_off:
                update = turn.wait_update()
                if update:
                    dispatcher.utter_message(text=update)
        except Exception:  # a failing action must not leave the buyer without an answer
            logger.exception("action %s failed for %s", self.name(), tracker.sender_id)
            return self._fail_over(turn, dispatcher)
        events = turn.context_events() + events + handoff_events(turn.handoff_reason)
        events.append(SlotSet(BEHAVIOUR_SLOT, self.behaviour_of(turn)))
        sets_source = any(e.get("name") == ANSWER_SOURCE_SLOT for e in events if e.get("event") == "slot")
        if not sets_source and tracker.get_slot(ANSWER_SOURCE_SLOT):
            events.append(SlotSet(ANSWER_SOURCE_SLOT, None))  # an intent's action answered this turn
        if self.topic:
            events.append(SlotSet("last_topic", self.topic))
        if self.resets_unclear_count and not turn.asked_back and tracker.get_slot("unclear_count"):
            events.append(SlotSet("unclear_count", 0))
        return events

    def _answer_second_question(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        """A second question in its own clause, answered after the first by its own action (only
        where the first was answered, not asked back or handed to a person)."""
        if turn.asked_back or turn.handed_off or turn.behaviour not in (None, answer(str(turn.intent))):
            return []
        second = second_question(turn.text, turn.intent)
        action = SECOND_ANSWERS.get(second or "")
        if action is None or isinstance(self, action):
            return []
        behaviour = turn.behaviour
        events = list(action(self._services).respond(turn, dispatcher))
        turn.behaviour = behaviour  # the turn is still the first question's
        return events

    def behaviour_of(self, turn: Turn) -> Optional[str]:
        """What this turn did: the action's own choice, else its default; asking back that
        ended with a person is a handoff."""
        default = behaviour_of_action(self.name())
        if turn.behaviour:
            return turn.behaviour
        if default == CLARIFY and turn.handed_off:
            return HANDOFF
        return default

    def _fail_over(self, turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
        reason = HandoffReason.action_failed  # which action: logged above
        # The store itself, not the run's snapshot: reading that may be what failed.
        handed = hand_off_after_failure(turn.services.store, turn.conversation_id, reason, turn.text, turn.services.clock)
        # No person was called when the handoff could not be recorded: then promise none.
        dispatcher.utter_message(text=handoff_replies.action_failed() if handed else handoff_replies.action_failed_no_handoff())
        return handoff_events(reason) if handed else []
