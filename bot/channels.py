"""Input channels: Rasa's REST channel, plus the message metadata (the item the buyer looks at).

Rasa's own RestInput drops the request's `metadata`; the shop's chat widget sends
`{"sender": ..., "message": ..., "metadata": {"item_id": "T001"}}`.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.request import Request


class ShopRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"  # keeps the documented /webhooks/rest/webhook path

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        body = request.json if isinstance(request.json, dict) else {}
        metadata = body.get("metadata")
        return metadata if isinstance(metadata, dict) else None
