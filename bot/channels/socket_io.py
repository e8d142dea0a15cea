"""The socket.io channel: Rasa's SocketIOInput with the shop's additions.

1. The gate (bot/channels/gate.py) decides per buyer message whether the assistant answers.
2. Agent replies. The agent console POSTs a reply to `DELIVERY_PATH` (bot/handoff/delivery.py);
   the Rasa server records it as a BotUttered with metadata {"agent": name} and emits it to the
   buyer's socket.io room (the session id, which is the conversation id because
   `session_persistence: true`).
3. Rasa 3.6 calls python-socketio 5's `enter_room` coroutine without awaiting it, so a client
   never joins its session room and no reply reaches it; `session_request` is redone here.
4. Buyer tokens. With BUYER_TOKEN_SECRET set, `session_request` needs the buyer's token
   (bot/buyer_tokens.py) and a socket may only send messages for the session it proved.
5. Replicas. Rooms are shared through Redis (python-socketio's AsyncRedisManager): an agent's
   reply delivered to one Rasa server reaches the buyer's socket on another.
6. Origins. Only the console's chat page and RASA_CORS_ORIGINS may connect from a browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import Any, Dict, Optional, Text

from pydantic import ValidationError
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.socketio import SocketIOInput
from rasa.shared.core.events import BotUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot.bootstrap import Server, server_redis_url
from bot.buyer_tokens import buyer_token_matches
from bot.channels.gate import STORE_ERRORS, HandoffGate, OnNewMessage
from bot.handoff.delivery import TOKEN_HEADER, AgentMessage, token_matches
from bot.settings import Settings

logger = logging.getLogger(__name__)


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
        records = self.gate.channel()
        delivery_id = f"delivery:{message.message_id}" if message.message_id else None
        if delivery_id:
            earlier = await asyncio.to_thread(records.claim_message_id, message.conversation_id, delivery_id)
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
                    await asyncio.to_thread(records.release_message_id, message.conversation_id, delivery_id)
            raise
        await sio.emit(
            self.bot_message_evt,
            {"text": message.text, "from_agent": True},
            room=message.conversation_id,
            namespace=self.namespace,
        )
        if delivery_id:
            await asyncio.to_thread(records.finish_message_id, message.conversation_id, delivery_id, "[]")
        return response.json({"delivered": True})
