"""Beyond loopback, the REST webhook takes only requests the shop's server signed: a page or a
script that forges a `sender` is refused with 401."""
from __future__ import annotations

import json
from typing import Iterator

import pytest
import requests

from bot.channels import SIGNATURE_HEADER, body_signature
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


def post(stack: Stack, body: bytes, signature: str = "") -> requests.Response:
    headers = {"Content-Type": "application/json", **({SIGNATURE_HEADER: signature} if signature else {})}
    return requests.post(f"{stack.assistant.url}/webhooks/rest/webhook", data=body, headers=headers, timeout=60)


def test_only_signed_requests_are_taken_beyond_loopback(open_stack: Stack) -> None:
    body = json.dumps({"sender": "buyer_xiaomei", "message": "我的订单到哪了"}, ensure_ascii=False).encode()
    unsigned = post(open_stack, body)
    assert unsigned.status_code == 401 and SIGNATURE_HEADER in unsigned.json()["error"]
    forged = post(open_stack, body, body_signature("a guess", body))
    assert forged.status_code == 401
    tampered = post(open_stack, body.replace(b"xiaomei", b"dawei"), body_signature(SECRET, body))
    assert tampered.status_code == 401  # the signature covers the sender
    signed = post(open_stack, body, body_signature(SECRET, body))
    assert signed.status_code == 200 and signed.json()
