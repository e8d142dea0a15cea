"""Input channels: Rasa's REST and socket.io channels with the shop's additions.

1. Metadata. Rasa's own RestInput drops the request's `metadata`; the shop's chat widget sends
   `{"sender": ..., "message": ..., "metadata": {"item_id": "T001"}}`.
2. Handoff silence (both channels): the handoff gate, bot/handoff/gate.py, decides per buyer
   message whether the assistant answers or only records it for the agent.
3. Agent replies (socket.io). The agent console POSTs a reply to `DELIVERY_PATH`
   (bot/handoff/delivery.py); the Rasa server records it as a BotUttered with metadata
   {"agent": name} and emits it to the buyer's socket.io room (the session id, which is the
   conversation id because `session_persistence: true`).
4. (socket.io) Rasa 3.6 calls python-socketio 5's `enter_room` coroutine without awaiting it, so a
   client never joins its session room and no reply reaches it; `session_request` is redone here.
5. Buyer tokens (socket.io). With BUYER_TOKEN_SECRET set, `session_request` needs the buyer's
   token (bot/buyer_tokens.py) and a socket may only send messages for the session it proved.
6. Replicas (socket.io). Rooms are shared through Redis (python-socketio's AsyncRedisManager):
   an agent's reply delivered to one Rasa server reaches the buyer's socket on another.
7. Origins (socket.io). Only the console's chat page and RASA_CORS_ORIGINS may connect from a browser.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
import uuid
from typing import Any, Dict, Optional, Text

from pydantic import ValidationError
import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from rasa.shared.core.events import BotUttered
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot.bootstrap import Server, server_redis_url
from bot.buyer_tokens import buyer_token_matches
from bot.handoff.delivery import TOKEN_HEADER, AgentMessage, token_matches
from bot.handoff.gate import REST_CHANNEL, SEQ_FIELD, STORE_ERRORS, HandoffGate, OnNewMessage
from bot.settings import Settings

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
SIGNATURE_HEADER = "X-Shop-Signature"
TIMESTAMP_HEADER = "X-Shop-Timestamp"  # Unix seconds, signed with the body
# A signed request older (or further ahead) than this is refused; a signature is kept twice as
# long, so one used before is refused for as long as its timestamp would be taken.
SIGNATURE_MAX_AGE_SECONDS = 300


def _store_unavailable() -> HTTPResponse:
    return response.json(
        {"error": "the shop's data store is unreachable; nothing was stored, please send the message again"},
        status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def body_signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` + the HMAC-SHA256 hex of `{timestamp}.{body}` (README, "Signed REST beyond loopback")."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, timestamp: str, body: bytes, presented: str) -> bool:
    return hmac.compare_digest(presented.encode(), body_signature(secret, timestamp, body).encode())


def _fresh(timestamp: str, now: float) -> bool:
    return timestamp.isdigit() and abs(now - int(timestamp)) <= SIGNATURE_MAX_AGE_SECONDS


# A longer message is stored cut to this many characters (its full length kept in metadata), so
# one sender cannot fill the tracker store or slow every turn that reads it.
MAX_MESSAGE_CHARS = 2000


def _body(request: Request) -> Dict[Text, Any]:
    body = request.json
    if not isinstance(body, dict):
        raise InvalidUsage('the body must be a JSON object: {"sender": "buyer id", "message": "text"}')
    return body


class ShopRestInput(RestInput):
    def __init__(self) -> None:
        super().__init__()
        self.gate = HandoffGate(Settings())  # read when the Rasa server starts

    @classmethod
    def name(cls) -> Text:
        return REST_CHANNEL  # "rest": keeps the documented /webhooks/rest/webhook path

    def _signature_refusal(self, request: Request) -> Optional[str]:
        """Why a REST request is refused, if it is: the webhook believes the `sender` it is given,
        so beyond loopback only the shop's own server, which signs the body, may use it."""
        settings = self.gate.settings
        signature = request.headers.get(SIGNATURE_HEADER)
        if signature is None:
            if settings.rasa_on_loopback:
                return None  # the `make run` demo: only this machine can reach the webhook
            return (f"unsigned: send {TIMESTAMP_HEADER}: <Unix seconds> and {SIGNATURE_HEADER}: "
                    "sha256=<HMAC-SHA256 of '<timestamp>.<body>' with SHOP_WEBHOOK_SECRET>")
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        if not _fresh(timestamp, time.time()):
            return f"{TIMESTAMP_HEADER} missing or more than {SIGNATURE_MAX_AGE_SECONDS} s from now: sign each request when sending it"
        if not settings.webhook_secret or not signature_matches(settings.webhook_secret, timestamp, request.body, signature):
            return "bad signature"
        return None

    # Rasa answers a wrongly typed body with a 500 or a silent `200 []`, and files a missing
    # sender under the shared conversation "default": refuse them with a 400 that says why.
    async def _extract_sender(self, req: Request) -> Text:
        sender = _body(req).get("sender")
        if not isinstance(sender, str) or not sender.strip():
            raise InvalidUsage("sender: a non-empty string (the buyer id) is required")
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = _body(req).get("message")
        if not isinstance(message, str):
            raise InvalidUsage("message: a string is required")
        return message[:MAX_MESSAGE_CHARS]

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        body = _body(request)
        metadata = body.get("metadata")
        metadata = dict(metadata) if isinstance(metadata, dict) else {}
        message = body.get("message")
        if isinstance(message, str) and len(message) > MAX_MESSAGE_CHARS:
            metadata["original_length"] = len(message)
        seq = body.get(SEQ_FIELD)
        metadata.pop(SEQ_FIELD, None)  # only the delivery's own number orders messages
        if seq is not None:
            if isinstance(seq, bool) or not isinstance(seq, int) or not 0 < seq < 2**53:
                raise InvalidUsage("seq: a positive whole number (this sender's message number), when given")
            metadata[SEQ_FIELD] = seq
        return metadata or None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's REST routes, except that a message that could not be stored (Redis down) gets
        503 + Retry-After instead of Rasa's catch-all `200 []`, which loses it without a word."""
        handle = self.gate.wrap(on_new_message)
        blueprint = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            """OK only while the channel can reach Redis (where every turn is stored)."""
            try:
                await asyncio.to_thread(self.gate.queue().store.client.ping)
            except STORE_ERRORS:
                return response.json({"status": "redis unreachable"}, status=503)
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            refusal = self._signature_refusal(request)
            if refusal:
                return response.json({"error": refusal}, status=401)
            signature = request.headers.get(SIGNATURE_HEADER)
            if signature:  # a captured request sent again is refused (a client's retry signs afresh)
                try:
                    first_use = await asyncio.to_thread(
                        self.gate.queue().store.claim_signature, signature, 2 * SIGNATURE_MAX_AGE_SECONDS
                    )
                except STORE_ERRORS:
                    return _store_unavailable()
                if not first_use:
                    return response.json({"error": "this signature was used before: sign each request afresh "
                                                   "(a retry: a new timestamp, the same message_id)"}, status=401)
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            input_channel = self._extract_input_channel(request)
            metadata = self.get_metadata(request)
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(handle, text, sender_id, input_channel, metadata),
                    content_type="text/event-stream",
                )
            message_id = _body(request).get("message_id")
            if message_id is not None and not (isinstance(message_id, str) and 0 < len(message_id) <= 200):
                raise InvalidUsage("message_id: a string of 1 to 200 characters, when given")
            store = self.gate.queue().store
            if message_id:
                try:
                    earlier = await asyncio.to_thread(store.claim_message_id, sender_id, message_id)
                except STORE_ERRORS:
                    return _store_unavailable()
                if earlier == store.PENDING:  # the first delivery is still being answered
                    return response.json({"error": "this message_id is being processed; retry shortly"},
                                         status=409, headers={"Retry-After": "1"})
                if earlier is not None:  # a retry of a message already answered: same answer
                    return response.json(json.loads(earlier))
            collector = CollectingOutputChannel()
            try:
                await handle(UserMessage(text, collector, sender_id, input_channel=input_channel, metadata=metadata))
            except STORE_ERRORS:
                if message_id:
                    with contextlib.suppress(*STORE_ERRORS):
                        await asyncio.to_thread(store.release_message_id, sender_id, message_id)
                return _store_unavailable()
            except Exception:  # as Rasa does: log it, answer with what was said so far
                logger.exception("REST message from %s failed", sender_id)
            if message_id:
                await asyncio.to_thread(
                    store.finish_message_id, sender_id, message_id, json.dumps(collector.messages, ensure_ascii=False)
                )
            return response.json(collector.messages)

        self.gate.attach(blueprint)
        return blueprint


SOCKETIO_CHANNEL = "shop-socketio"  # the Redis pub/sub channel the replicas' rooms share


def share_rooms_across_replicas(sio: AsyncServer, redis_url: str) -> None:
    """Swaps the server's in-process client manager for one on Redis pub/sub (before any client
    has connected: python-socketio initialises its manager on the first connection)."""
    if sio.manager_initialized:
        raise RuntimeError("socket.io clients already connected; too late to share rooms")
    manager = AsyncRedisManager(redis_url, channel=SOCKETIO_CHANNEL)
    manager.set_server(sio)
    sio.manager = manager


class ShopSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel (same settings in credentials.yml), gated, plus agent replies."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = HandoffGate(Settings())  # read when the Rasa server starts

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        blueprint = super().blueprint(self.gate.wrap(on_new_message))
        self.gate.attach(blueprint)
        sio = self.sio
        settings = self.gate.settings
        share_rooms_across_replicas(sio, server_redis_url(settings, Server.RASA_SERVER))
        # Rasa turns python-socketio's Origin check off; a page of another site must not open a
        # buyer's session in a visitor's browser. Clients that send no Origin (apps) are let in.
        sio.eio.cors_allowed_origins = list(settings.browser_origins)
        # A buyer's photo (≤ 2 MB, base64 in the message) must fit in one socket.io packet;
        # python-engineio's default 1 MB would drop it without a word.
        sio.eio.max_http_buffer_size = 4 * 1024 * 1024

        secret = settings.buyer_token_secret
        handlers = sio.handlers[self.namespace or "/"]
        rasa_user_message, rasa_disconnect = handlers[self.user_message_evt], handlers["disconnect"]
        proven: Dict[Text, Text] = {}  # socket id -> the session id it holds a token for

        @sio.on("session_request", namespace=self.namespace)  # replaces Rasa's handler
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id") or uuid.uuid4().hex
            if secret and not buyer_token_matches(secret, session_id, data.get("token")):
                logger.warning("socket.io session %s refused: no valid buyer token", session_id)
                await sio.emit("session_refused", {"session_id": session_id}, room=sid, namespace=self.namespace)
                return
            proven[sid] = session_id
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        if secret:

            @sio.on(self.user_message_evt, namespace=self.namespace)  # wraps Rasa's handler
            async def user_message(sid: Text, data: Any) -> None:
                if not isinstance(data, dict) or proven.get(sid) != data.get("session_id"):
                    logger.warning("socket.io message from %s refused: not its proven session", sid)
                    return
                await rasa_user_message(sid, data)

            @sio.on("disconnect", namespace=self.namespace)
            async def disconnect(sid: Text) -> None:
                proven.pop(sid, None)
                await rasa_disconnect(sid)

        @blueprint.route("/agent_message", methods=["POST"])  # = bot.handoff.delivery.DELIVERY_PATH
        async def agent_message(request: Request) -> HTTPResponse:
            return await self._deliver(request, sio)

        return blueprint

    async def _deliver(self, request: Request, sio: AsyncServer) -> HTTPResponse:
        secret = self.gate.settings.console_secret
        if not secret:
            return response.json({"error": "CONSOLE_SECRET is not set on the Rasa server"}, status=503)
        if not token_matches(request.headers.get(TOKEN_HEADER, ""), secret):
            return response.json({"error": "bad console token"}, status=403)
        try:
            message = AgentMessage.parse_obj(request.json if isinstance(request.json, dict) else {})
        except ValidationError as error:
            return response.json({"error": str(error)}, status=400)
        agent = request.app.ctx.agent
        store = self.gate.queue().store
        delivery_id = f"delivery:{message.message_id}" if message.message_id else None
        if delivery_id:
            earlier = await asyncio.to_thread(store.claim_message_id, message.conversation_id, delivery_id)
            if earlier is not None:  # delivered before (or being delivered): never twice
                return response.json({"delivered": True, "repeat": True})
        try:
            async with agent.lock_store.lock(message.conversation_id):
                # A shop message may be the first of a conversation (a follow-up, a campaign) or
                # come after the session expired: start the session first, as a buyer message
                # would, so the buyer's reply is read like any first message.
                tracker = await agent.processor.fetch_tracker_and_update_session(
                    message.conversation_id, CollectingOutputChannel()
                )
                tracker.update(BotUttered(message.text, metadata={"agent": message.agent}))
                await agent.processor.save_tracker(tracker)
        except Exception:
            if delivery_id:  # nothing stored: a retry must go through
                with contextlib.suppress(*STORE_ERRORS):
                    await asyncio.to_thread(store.release_message_id, message.conversation_id, delivery_id)
            raise
        await sio.emit(
            self.bot_message_evt,
            {"text": message.text, "from_agent": True},
            room=message.conversation_id,
            namespace=self.namespace,
        )
        if delivery_id:
            await asyncio.to_thread(store.finish_message_id, message.conversation_id, delivery_id, "[]")
        return response.json({"delivered": True})
