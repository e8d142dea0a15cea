"""The trainer tools as JSON handlers for the agent console, independent of the web framework.

A web app routes `/api/training/{tail}` (any method) to `handle` and turns the ApiResponse into its
framework's JSON response; bot/console/training.py does that for aiohttp. Routes (`tail`):

  GET    vocabulary                     {"intents": [...], "entities": [...], "labels": {name: 中文}} for the pickers
  GET    corrections[?pending=1][&conversation_id=ID]
                                        {"corrections": [Correction + "message_ref", ...]}
                                        pending: not yet a training example of their intent
  POST   corrections                    mark a buyer message; body:
           {"conversation_id": ..., "event": <the `user` event from the tracker>,
            "correct_intent": ..., "entities": [{"entity", "start", "end", "value"?}]}
           or, instead of "event": "text" + "message_id" (or "event_timestamp")
           (+ "predicted_intent", "predicted_confidence")
                                        201 {"correction": ..., "replaced": bool}; 400 {"error"}
  DELETE corrections?conversation_id=ID&message_ref=REF
                                        {"deleted": true}; 404 when there was no such mark

`corrected_by` is the logged-in agent the console passes as `user` (else body["corrected_by"]).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from bot.labels import ENTITY_LABELS, intent_label
from bot.trainer.conversations import buyer_message
from bot.trainer.corrections import (
    Correction,
    CorrectionError,
    mark_event,
    mark_message,
    message_ref,
    pending_corrections,
    unmark,
)
from bot.trainer.records import CorrectionRecords
from bot.trainer.vocabulary import Vocabulary

MARK_FIELDS = ("text", "message_id", "event_timestamp", "predicted_intent", "predicted_confidence")


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: Dict[str, Any]


def correction_json(correction: Correction) -> Dict[str, Any]:
    return {
        **json.loads(correction.json()),
        "message_ref": correction.message_ref,
        # What the console shows of the mark (bot/labels.py); the names above are what training reads.
        "correct_intent_label": intent_label(correction.correct_intent),
        "entity_labels": {e.entity: ENTITY_LABELS.get(e.entity, e.entity) for e in correction.entities},
    }


def _error(status: int, message: str) -> ApiResponse:
    return ApiResponse(status, {"error": message})


def list_corrections(marks: CorrectionRecords, pending: bool = False, conversation_id: Optional[str] = None) -> ApiResponse:
    found = pending_corrections(marks) if pending else marks.all()
    found = [c for c in found if conversation_id is None or c.conversation_id == conversation_id]
    return ApiResponse(200, {"corrections": [correction_json(c) for c in found]})


def _check_said(marks: CorrectionRecords, conversation_id: str, ref: str, text: Any) -> None:
    """A mark becomes training data: it must name a message a buyer sent, in their words."""
    said = buyer_message(marks.client, conversation_id, ref)
    if said is None:
        raise CorrectionError(f"conversation {conversation_id!r} has no buyer message {ref!r}")
    if said.get("text") != text:
        raise CorrectionError(f"text: not what the buyer wrote in message {ref!r}")


def mark(
    marks: CorrectionRecords, body: Mapping[str, Any], user: Optional[str] = None, vocabulary: Optional[Vocabulary] = None
) -> ApiResponse:
    vocabulary = vocabulary or Vocabulary.from_domain()
    common: Dict[str, Any] = dict(
        correct_intent=body.get("correct_intent") or "",
        corrected_by=user or body.get("corrected_by") or "",
        entities=body.get("entities") or [],
        vocabulary=vocabulary,
    )
    conversation_id = body.get("conversation_id") or ""
    try:
        if not isinstance(common["entities"], list):
            raise CorrectionError("entities must be a list")
        if body.get("event") is not None:
            if not isinstance(body["event"], Mapping):
                raise CorrectionError("event must be a tracker event object")
            event = body["event"]
            ref = message_ref(event.get("message_id"), event.get("timestamp"))
            _check_said(marks, conversation_id, ref, event.get("text"))
            replaced = marks.get(conversation_id, ref) is not None
            correction = mark_event(marks, conversation_id, event, **common)
        else:
            fields: Dict[str, Any] = {name: body.get(name) for name in MARK_FIELDS}
            ref = message_ref(fields["message_id"], fields["event_timestamp"])
            _check_said(marks, conversation_id, ref, fields["text"])
            replaced = marks.get(conversation_id, ref) is not None
            correction = mark_message(marks, conversation_id=conversation_id, **fields, **common)
    except CorrectionError as error:
        return _error(400, str(error))
    return ApiResponse(201, {"correction": correction_json(correction), "replaced": replaced})


def delete(marks: CorrectionRecords, conversation_id: Optional[str], ref: Optional[str]) -> ApiResponse:
    if not conversation_id or not ref:
        return _error(400, "give conversation_id and message_ref")
    if not unmark(marks, conversation_id, ref):
        return _error(404, f"no mark of message {ref!r} in conversation {conversation_id!r}")
    return ApiResponse(200, {"deleted": True})


def vocabulary_json(vocabulary: Optional[Vocabulary] = None) -> ApiResponse:
    vocabulary = vocabulary or Vocabulary.from_domain()
    # The pickers show Chinese labels; the values sent back stay the domain's names.
    labels = {name: intent_label(name) for name in vocabulary.intents}
    labels.update({name: ENTITY_LABELS.get(name, name) for name in vocabulary.entities})
    return ApiResponse(200, {"intents": sorted(vocabulary.intents), "entities": sorted(vocabulary.entities), "labels": labels})


def handle(
    store: Any,
    method: str,
    tail: str,
    query: Optional[Mapping[str, str]] = None,
    body: Optional[Any] = None,
    user: Optional[str] = None,
) -> ApiResponse:
    """Dispatch one request (`tail` is the path after the console's training prefix)."""
    query = query or {}
    route = (method.upper(), tail.strip("/"))
    if route == ("GET", "vocabulary"):
        return vocabulary_json()
    marks = CorrectionRecords(store.client, store.shop_id)
    if route == ("GET", "corrections"):
        pending = str(query.get("pending", "")).lower() in ("1", "true", "yes")
        return list_corrections(marks, pending, query.get("conversation_id") or None)
    if route == ("POST", "corrections"):
        if not isinstance(body, Mapping):
            return _error(400, "the body must be a JSON object")
        return mark(marks, body, user)
    if route == ("DELETE", "corrections"):
        return delete(marks, query.get("conversation_id"), query.get("message_ref"))
    return _error(404, f"no training route {method.upper()} {tail!r}")
