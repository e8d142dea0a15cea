"""The REST channel: Rasa's RestInput with the shop's additions.

1. Metadata. Rasa's own RestInput drops the request's `metadata`; the shop's chat widget sends
   `{"sender": ..., "message": ..., "metadata": {"item_id": "T001"}}`.
2. The gate (bot/channels/gate.py) decides per buyer message whether the assistant answers.
3. Signed requests beyond loopback (SHOP_WEBHOOK_SECRET), message ids answered once, and a
   503 with Retry-After when the shop's data store is unreachable (nothing is stored then).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
from typing import Any, Dict, Optional, Text

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.gate import REST_CHANNEL, SEQ_FIELD, STORE_ERRORS, HandoffGate, OnNewMessage
from bot.channels.records import PENDING
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
        status=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
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
            return (
                f"unsigned: send {TIMESTAMP_HEADER}: <Unix seconds> and {SIGNATURE_HEADER}: "
                "sha256=<HMAC-SHA256 of '<timestamp>.<body>' with SHOP_WEBHOOK_SECRET>"
            )
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
                        self.gate.channel().claim_signature, signature, 2 * SIGNATURE_MAX_AGE_SECONDS
                    )
                except STORE_ERRORS:
                    return _store_unavailable()
                if not first_use:
                    return response.json(
                        {
                            "error": "this signature was used before: sign each request afresh "
                            "(a retry: a new timestamp, the same message_id)"
                        },
                        status=401,
                    )
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
            records = self.gate.channel()
            if message_id:
                try:
                    earlier = await asyncio.to_thread(records.claim_message_id, sender_id, message_id)
                except STORE_ERRORS:
                    return _store_unavailable()
                if earlier == PENDING:  # the first delivery is still being answered
                    return response.json(
                        {"error": "this message_id is being processed; retry shortly"}, status=409, headers={"Retry-After": "1"}
                    )
                if earlier is not None:  # a retry of a message already answered: same answer
                    return response.json(json.loads(earlier))
            collector = CollectingOutputChannel()
            try:
                await handle(UserMessage(text, collector, sender_id, input_channel=input_channel, metadata=metadata))
            except STORE_ERRORS:
                if message_id:
                    with contextlib.suppress(*STORE_ERRORS):
                        await asyncio.to_thread(records.release_message_id, sender_id, message_id)
                return _store_unavailable()
            except Exception:  # as Rasa does: log it, answer with what was said so far
                logger.exception("REST message from %s failed", sender_id)
            if message_id:
                await asyncio.to_thread(
                    records.finish_message_id, sender_id, message_id, json.dumps(collector.messages, ensure_ascii=False)
                )
            return response.json(collector.messages)

        self.gate.attach(blueprint)
        return blueprint
