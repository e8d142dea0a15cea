"""Beyond loopback, the REST webhook takes only requests the shop's server signed: a page or a
script that forges a `sender` is refused with 401, and so is a captured request sent again."""

from __future__ import annotations

import json
import time
from typing import Dict, Iterator, Optional

import pytest
import requests

from bot.channels.rest import SIGNATURE_HEADER, SIGNATURE_MAX_AGE_SECONDS, TIMESTAMP_HEADER, body_signature
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

SECRET = "webhook-secret-for-tests"


@pytest.fixture(scope="module")
def open_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = Stack(tmp_path_factory.mktemp("signed"), RASA_HOST="0.0.0.0", SHOP_WEBHOOK_SECRET=SECRET)
    try:
        yield started.start_all()
    finally:
        started.stop_all()


def signed(body: bytes, secret: str = SECRET, at: Optional[float] = None) -> Dict[str, str]:
    """The headers the shop's server sends (docs/chatting.md, "Signed REST beyond loopback")."""
    timestamp = str(int(time.time() if at is None else at))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: body_signature(secret, timestamp, body)}


def post(stack: Stack, body: bytes, headers: Optional[Dict[str, str]] = None) -> requests.Response:
    headers = {"Content-Type": "application/json", **(headers or {})}
    return requests.post(f"{stack.assistant.url}/webhooks/rest/webhook", data=body, headers=headers, timeout=60)


def body_of(sender: str, text: str) -> bytes:
    return json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode()


def test_only_signed_requests_are_taken_beyond_loopback(open_stack: Stack) -> None:
    body = body_of("buyer_xiaomei", "我的订单到哪了")
    unsigned = post(open_stack, body)
    assert unsigned.status_code == 401 and SIGNATURE_HEADER in unsigned.json()["error"]
    forged = post(open_stack, body, signed(body, secret="a guess"))
    assert forged.status_code == 401
    tampered = post(open_stack, body.replace(b"xiaomei", b"dawei"), signed(body))
    assert tampered.status_code == 401  # the signature covers the sender
    accepted = post(open_stack, body, signed(body))
    assert accepted.status_code == 200 and accepted.json()


def test_a_captured_request_is_not_answered_again(open_stack: Stack) -> None:
    body = body_of("buyer_dawei", "在吗")
    headers = signed(body)
    assert post(open_stack, body, headers).status_code == 200
    replayed = post(open_stack, body, headers)
    assert replayed.status_code == 401 and "used before" in replayed.json()["error"]
    # The same words sent again by the shop's server: signed afresh, they are a new message.
    assert post(open_stack, body, signed(body, at=int(headers[TIMESTAMP_HEADER]) - 1)).status_code == 200
    old = time.time() - SIGNATURE_MAX_AGE_SECONDS - 60
    stale = post(open_stack, body, signed(body, at=old))
    assert stale.status_code == 401 and TIMESTAMP_HEADER in stale.json()["error"]
    ahead = post(open_stack, body, signed(body, at=time.time() + SIGNATURE_MAX_AGE_SECONDS + 60))
    assert ahead.status_code == 401
    # The timestamp is signed: moving an old request's timestamp breaks its signature.
    moved = {**signed(body, at=old), TIMESTAMP_HEADER: str(int(time.time()))}
    assert post(open_stack, body, moved).status_code == 401
    without_time = {SIGNATURE_HEADER: signed(body)[SIGNATURE_HEADER]}
    assert post(open_stack, body, without_time).status_code == 401
    users = [e for e in open_stack.assistant.tracker("buyer_dawei")["events"] if e["event"] == "user"]
    assert len(users) == 2  # the first request and the one signed afresh
