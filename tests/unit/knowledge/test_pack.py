"""The default pack: answers built from the shop's facts, never a placeholder or an invented policy."""

from __future__ import annotations

import pytest
import yaml

from bot.knowledge.matching import KnowledgeIndex
from bot.knowledge.pack import facts_named, pack_templates, unknown_facts
from bot.loader import DataFileError, parse
from bot.models import ShopData
from tests.conftest import DEMO_FILE, DEMO_NOW


def shop_file(**changes) -> dict:
    raw = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    policy = raw["shop"]["policy"]
    for key, value in changes.items():
        if key.startswith("policy."):
            name = key.split(".", 1)[1]
            if value is None:
                policy.pop(name, None)
            else:
                policy[name] = value
        else:
            raw[key] = value
    return raw


def test_every_fact_the_pack_names_can_be_read_from_a_policy() -> None:
    assert unknown_facts() == []
    assert len(pack_templates()) >= 36


def test_the_demo_shop_gives_every_fact_and_no_answer_keeps_a_placeholder(demo_data: ShopData) -> None:
    assert [e.key for e in demo_data.knowledge if e.missing_facts] == []
    assert all("{" not in e.answer and "}" not in e.answer for e in demo_data.knowledge)
    price = next(e for e in demo_data.knowledge if e.key == "price_protection")
    assert f"{demo_data.shop.policy.price_protection_days}天价保" in price.answer


def test_an_answer_without_its_facts_stays_off_and_says_which() -> None:
    data = parse(DEMO_FILE, shop_file(**{"policy.price_protection_days": None, "policy.invoice": None}))
    off = {e.key: e.missing_facts for e in data.knowledge if e.missing_facts}
    assert off["price_protection"] == ["price_protection_days"]
    assert "invoice_types" in off["invoice_how"]
    index = KnowledgeIndex(data.knowledge)
    assert all(m.entry.key != "price_protection" for m in index.matches("买贵了能保价吗", DEMO_NOW))


def test_a_shop_drops_or_replaces_pack_entries() -> None:
    own = {"key": "ship_from", "question": "从哪发货", "keywords": ["发货地"], "answer": "亲，从广州仓发出哦～"}
    data = parse(DEMO_FILE, shop_file(knowledge=[own], knowledge_drop=["presale"]))
    keys = [e.key for e in data.knowledge]
    assert "presale" not in keys and keys.count("ship_from") == 1
    assert next(e for e in data.knowledge if e.key == "ship_from").answer == "亲，从广州仓发出哦～"


def test_dropping_an_entry_the_pack_does_not_have_is_refused() -> None:
    with pytest.raises(DataFileError, match="knowledge_drop.0"):
        parse(DEMO_FILE, shop_file(knowledge_drop=["no_such_entry"]))


def test_facts_named_reads_the_placeholders() -> None:
    assert facts_named("亲，{return_window_days}天内，{ship_from}发货") == ["return_window_days", "ship_from"]
