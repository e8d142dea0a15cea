"""The gate of both input channels (bot/channels/): per buyer message, whether the
assistant answers it or only records it.

While an agent has claimed the chat (or, in a human_first shop, while an online agent has not yet
let it wait too long: bot/handoff/rules.py), a buyer message is parsed and recorded in the
tracker, so the agent sees it with its intents, but the assistant predicts and runs nothing.
While a chat only waits for a person, the assistant keeps answering. In a human_first shop a new
chat goes to the queue first, with a short acknowledgement. The check runs under the
conversation's lock, so a message that arrives while the claiming turn is still running waits
for it. Before that: the per-sender rate limit (every message counts, 退订 too: a 退订 over the
limit still opts out, with the throttle's reply), 退订, and an answer to a follow-up question.
What these checks need of the chat is read once per message, in one round trip (bot/channels/view.py).
A message's photos are checked and stored first (bot/photos/intake.py); a photo alone is acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from enum import Enum
from typing import Any, Awaitable, Callable, List, Optional, Tuple

import redis
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LockError
from rasa.shared.core.events import BotUttered, SlotSet
from sanic import Blueprint, Sanic

from bot.bootstrap import Server, server_services
from bot.channels.records import ChannelRecords
from bot.channels.view import ChatView, read_chat
from bot.clock import Clock
from bot.handoff.queue import HandoffQueue
from bot.metrics.fold import HANDOFF_SLOT, SATISFACTION_SLOT
from bot.models import HandoffReason
from bot.outreach.answers import answer_follow_up, unsubscribe
from bot.outreach.consent import is_unsubscribe
from bot.outreach.ratings import read_rating
from bot.outreach.records import OutreachRecords
from bot.photos.intake import acknowledge, has_attachments, photo_ids, take_photos
from bot.rasa_runtime.heap import freeze_loaded_heap
from bot.replies import handoff as handoff_replies
from bot.settings import Settings

logger = logging.getLogger(__name__)

REST_CHANNEL = "rest"  # the REST channel's name (its route answers 503 when Redis is down)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


# Fair use: past this many messages from one sender in RATE_WINDOW_SECONDS, each further message
# is recorded (the agent still sees it) and answered with a polite "slow down", not processed.
RATE_LIMIT = 20
RATE_WINDOW_SECONDS = 10


class Gate(Enum):
    answer = "answer"  # the assistant handles the message
    throttled = "throttled"  # too many messages from this sender just now: recorded, asked to wait
    record = "record"  # a person has the chat: record the message for them, say nothing
    queued_first = "queued_first"  # human_first: queued for a person, acknowledged
    unsubscribe = "unsubscribe"  # 退订: opted out of the shop's messages at once, told so
    follow_up_answer = "follow_up_answer"  # a rating for the follow-up question: recorded, thanked


class HandoffGate:
    """Decides, per buyer message, whether the assistant answers or only records it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._queue: Optional[HandoffQueue] = None
        # Set with the queue, from the same settings and Redis client:
        self._shop_clock: Optional[Clock] = None
        self._channel: Optional[ChannelRecords] = None
        self._outreach: Optional[OutreachRecords] = None
        self._app: Optional[Sanic] = None

    def attach(self, blueprint: Blueprint) -> None:
        """Remember the Sanic app (Rasa's agent lives on app.ctx) when the server starts, and
        leave the loaded server out of garbage collection once it is up (bot/rasa_runtime/heap.py)."""

        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self._app = app

        # After every before_server_start listener, Rasa's loading of the model included.
        @blueprint.listener("after_server_start")
        async def settle_heap(_app: Sanic, _loop: Any) -> None:
            freeze_loaded_heap()

    def queue(self) -> HandoffQueue:
        """Connects on first use, never at import time."""
        if self._queue is None:
            shop = server_services(self.settings, Server.RASA_SERVER)
            self._queue = HandoffQueue(shop.store)
            self._shop_clock = shop.clock
            self._channel = ChannelRecords(shop.store.client, shop.store.shop_id)
            self._outreach = OutreachRecords(shop.store.client, shop.store.shop_id)
        return self._queue

    def channel(self) -> ChannelRecords:
        self.queue()
        assert self._channel is not None  # set by queue()
        return self._channel

    def read(self, message: UserMessage) -> ChatView:
        """The chat as this message finds it, read once; every message counts towards the
        fair-use limit, 退订 and ratings included."""
        queue = self.queue()
        assert self._channel is not None and self._outreach is not None  # set by queue()
        return read_chat(queue, self._channel, self._outreach, message.sender_id, RATE_WINDOW_SECONDS, queue.clock())

    def decide(self, message: UserMessage, view: ChatView) -> Gate:
        queue, text = self.queue(), message.text or ""
        if view.messages_in_window > RATE_LIMIT:
            return Gate.throttled
        # Then: a buyer who asks to stop is opted out, whoever has the chat.
        if is_unsubscribe(text):
            return Gate.unsubscribe
        if view.follow_up_order is not None and read_rating(text) is not None:
            return Gate.follow_up_answer
        assert self._shop_clock is not None  # set by queue()
        shop_now, handoff = self._shop_clock(), view.handoff
        if handoff is not None and handoff.state.with_human:
            return Gate.answer if queue.answers(handoff, shop_now, view.policy, view.agents_online) else Gate.record
        if handoff is None and queue.queue_new_chat_first(message.sender_id, text, shop_now, view.policy, view.agents_online):
            return Gate.queued_first
        return Gate.answer

    def _reply_without_assistant(self, gate: Gate, message: UserMessage, view: Optional[ChatView]) -> Tuple[str, List[Any]]:
        """What the gate itself says, and the events it adds, when the assistant does not answer:
        a human_first queueing, a throttle, a 退订 or a follow-up answer (bot/outreach/answers.py)."""
        if gate is Gate.queued_first:
            return handoff_replies.queued_for_a_person(), [SlotSet(HANDOFF_SLOT, HandoffReason.human_first.value)]
        store, outreach, clock = self.queue().store, self._outreach, self._shop_clock
        assert clock is not None and outreach is not None  # set by queue()
        text = message.text or ""
        if gate is Gate.throttled:
            if is_unsubscribe(text):  # a 退订 in a flood still opts out; the reply is the throttle's
                unsubscribe(outreach, message.sender_id, clock())
            return handoff_replies.slow_down(), []
        if gate is Gate.unsubscribe:
            return unsubscribe(outreach, message.sender_id, clock()), []
        # A follow-up answer: decided under this same lock, so the question is still open.
        rating = read_rating(text)
        assert rating is not None and view is not None and view.follow_up_order is not None  # decide() saw them
        outcome = answer_follow_up(store, outreach, message.sender_id, view.follow_up_order, view.policy, text, rating, clock)
        events: List[Any] = [SlotSet(SATISFACTION_SLOT, outcome.rating.value)]
        if outcome.handoff_reason:
            events.append(SlotSet(HANDOFF_SLOT, outcome.handoff_reason.value))
        return outcome.text, events

    async def decision(self, message: UserMessage) -> Tuple[Gate, Optional[ChatView]]:
        def read_and_decide() -> Tuple[Gate, Optional[ChatView]]:
            view = self.read(message)
            return self.decide(message, view), view

        try:
            return await asyncio.to_thread(read_and_decide)
        except Exception:  # Redis trouble must not silence the assistant
            logger.exception("could not read the handoff state of %s", message.sender_id)
            return Gate.answer, None

    def wrap(self, on_new_message: OnNewMessage) -> OnNewMessage:
        async def handle(message: UserMessage) -> None:
            try:
                if has_attachments(message.metadata):
                    refusal = await asyncio.to_thread(self._take_photos, message)
                    if refusal:  # nothing stored, nothing recorded: the buyer may simply send another
                        await message.output_channel.send_text_message(message.sender_id, refusal)
                        return
                await self._handle(message, on_new_message)
            except STORE_ERRORS:
                # Redis is down: nothing of this turn was stored (the lock and the tracker live
                # there). Say so, so the client sends it again, instead of a silent `200 []`.
                logger.warning("Redis unreachable; message from %s not taken", message.sender_id)
                if message.input_channel == REST_CHANNEL:
                    raise  # its route answers 503
                await message.output_channel.send_text_message(message.sender_id, handoff_replies.try_again_later())

        return handle

    def _take_photos(self, message: UserMessage) -> Optional[str]:
        self.queue()  # connects, sets the clock
        assert self._shop_clock is not None and message.metadata is not None
        return take_photos(self.queue().store, message.sender_id, message.metadata, self._shop_clock())

    def _photo_answer(self, message: UserMessage) -> Optional[str]:
        """A photo sent without words gets the gate's own acknowledgement (the assistant's model
        reads words); with words, the assistant answers them. Either way it joins the complaint."""
        ids = photo_ids(message.metadata)
        if not ids:
            return None
        assert self._shop_clock is not None  # set by queue()
        text = acknowledge(self.queue().store, message.sender_id, ids, self._shop_clock())
        return None if (message.text or "").strip() else text

    async def _handle(self, message: UserMessage, on_new_message: OnNewMessage) -> None:
        agent = getattr(self._app.ctx, "agent", None) if self._app else None
        if agent is None or not agent.is_ready():
            await on_new_message(message)  # Rasa's own handling (it logs "not ready")
            return
        lock_store = agent.lock_store
        in_sequence = getattr(lock_store, "in_sequence", None)  # ShopLockStore; Rasa's own has none
        ordered = in_sequence(message.sender_id, sequence_number(message)) if in_sequence else contextlib.nullcontext()
        async with ordered, lock_store.lock(message.sender_id):
            gate, view = await self.decision(message)
            # Most messages carry no photo: only those go to a thread (a hand-off costs ~35 µs of CPU).
            if gate in (Gate.answer, Gate.record) and photo_ids(message.metadata):
                photo_reply = await asyncio.to_thread(self._photo_answer, message)
                if photo_reply and gate is Gate.answer:
                    tracker = await agent.processor.log_message(message, should_save_tracker=False)
                    tracker.update(BotUttered(photo_reply))
                    await agent.processor.save_tracker(tracker)
                    await message.output_channel.send_text_message(message.sender_id, photo_reply)
                    return
            if gate is Gate.answer:
                await agent.processor.handle_message(message)
                return
            tracker = await agent.processor.log_message(message, should_save_tracker=gate is Gate.record)
            if gate is not Gate.record:
                text, events = await asyncio.to_thread(self._reply_without_assistant, gate, message, view)
                for event in events:
                    tracker.update(event)
                tracker.update(BotUttered(text))
                await agent.processor.save_tracker(tracker)
                await message.output_channel.send_text_message(message.sender_id, text)


SEQ_FIELD = "seq"  # a REST client's own per-sender message number (1, 2, 3 …): handled in that order


def sequence_number(message: UserMessage) -> Optional[int]:
    seq = (message.metadata or {}).get(SEQ_FIELD)
    return seq if isinstance(seq, int) and not isinstance(seq, bool) and seq > 0 else None


# Redis unreachable (the lock store, the tracker store and the shop data all live there).
STORE_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, LockError)
