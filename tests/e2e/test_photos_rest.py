"""Photos over the REST webhook, with the real Rasa server: a refused file is answered politely and
nothing is kept or recorded; a photo after a complaint is acknowledged and joins it, and the
tracker keeps its id, never the image."""

from __future__ import annotations

import base64
from typing import Any, Dict, List

import pytest
import requests

from bot.photos.checks import NOT_AN_IMAGE, TOO_LARGE
from bot.photos.intake import RECEIVED_FOR_COMPLAINT, records
from tests.e2e.conftest import Assistant, restart

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n" + b"\x05" * 80


def send(assistant: Assistant, sender: str, attachments: List[Any], text: str = "") -> List[Dict]:
    body = {"sender": sender, "message": text, "metadata": {"item_id": "K001", "attachments": attachments}}
    response = requests.post(f"{assistant.url}/webhooks/rest/webhook", json=body, timeout=60)
    response.raise_for_status()
    return response.json()


def user_events(assistant: Assistant, sender: str) -> List[Dict]:
    return [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"]


def test_refused_files_and_a_complaint_photo_over_rest(assistant: Assistant, sender: str) -> None:
    restart(assistant, sender)
    gif = "data:image/gif;base64," + base64.b64encode(b"GIF89a" + b"\x00" * 40).decode()
    assert [m["text"] for m in send(assistant, sender, [gif])] == [NOT_AN_IMAGE]
    huge = "data:image/png;base64," + base64.b64encode(PNG + b"\x00" * (2 * 1024 * 1024)).decode()
    assert [m["text"] for m in send(assistant, sender, [huge])] == [TOO_LARGE]
    assert records(assistant.store).ids(sender) == []
    assert user_events(assistant, sender) == []  # refused: not even recorded

    assert "人工" in " ".join(assistant.say(sender, "裤子收到就开线了，质量太差了", item_id="K001"))
    png = {"content_type": "image/png", "data": base64.b64encode(PNG).decode()}
    assert [m["text"] for m in send(assistant, sender, [png])] == [RECEIVED_FOR_COMPLAINT]
    (photo_id,) = records(assistant.store).ids(sender)
    found = assistant.store.latest_request(sender, "quality_complaint")
    assert found is not None and records(assistant.store).complaint_photos(found[0]) == [photo_id]
    last = user_events(assistant, sender)[-1]
    assert last["metadata"]["photo_ids"] == [photo_id] and "attachments" not in last["metadata"]
    restart(assistant, sender)
