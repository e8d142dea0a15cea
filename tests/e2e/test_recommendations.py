"""导购 through the real Rasa server, action server and Redis: whatever intent the model reads,
the words ask for items and the catalogue answers."""

from __future__ import annotations

import pytest

from bot.behaviours import answer
from bot.replies.format import money
from tests.e2e.conftest import Assistant

pytestmark = pytest.mark.e2e


def test_a_request_for_items_and_one_with_no_match(assistant: Assistant, sender: str) -> None:
    reply = "\n".join(assistant.say(sender, "有没有厚一点的", item_id="T001"))
    thick = [p for p in assistant.store.products() if p.material.thickness == "thick" and f"【{p.name}】" in reply]
    assert thick and "偏厚款" in reply and assistant.store.product("T001").name not in reply
    assert assistant.tracker(sender)["slots"]["behaviour"] == answer("ask_product_info")
    reply = "\n".join(assistant.say(sender, "100以内的裙子有吗"))
    cheapest = min((p for p in assistant.store.products() if "裙" in p.category), key=lambda p: p.price)
    assert "店里暂时没有100元以内的裙子" in reply and f"【{cheapest.name}】{money(cheapest.price)}" in reply
