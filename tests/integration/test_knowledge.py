"""Knowledge entries in a real Redis: written with the shop file, changed without a restart, seen
by every process on its next message."""

from __future__ import annotations

import pytest
import yaml

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.records import KnowledgeRecords
from bot.loader import DataFileError, load_file
from bot.models import KnowledgeEntry, ShopData
from bot.store import ShopStore
from tests.conftest import DEMO_FILE, DEMO_NOW


def records(store: ShopStore) -> KnowledgeRecords:
    return KnowledgeRecords(store.client, store.shop_id)


def test_the_shop_file_writes_its_entries(store: ShopStore, demo: ShopData) -> None:
    assert [e.key for e in records(store).entries()] == sorted(e.key for e in demo.knowledge)


def test_a_change_reaches_every_process_on_its_next_message(store: ShopStore, demo: ShopData) -> None:
    first, second = KnowledgeBase(records(store)), KnowledgeBase(records(store))  # two replicas
    assert first.matches("可以开发票吗", DEMO_NOW)[0].entry.key == "invoice_how"
    assert second.matches("有羽绒服吗 鸭绒", DEMO_NOW) == []
    records(store).put(KnowledgeEntry(key="down", question="有羽绒服吗", keywords=["羽绒"], answer="亲，冬款羽绒服12月上新哦～"))
    assert first.matches("有羽绒服吗 鸭绒", DEMO_NOW)[0].entry.key == "down"
    assert second.matches("有羽绒服吗 鸭绒", DEMO_NOW)[0].entry.key == "down"
    assert records(store).delete("down")
    assert second.matches("有羽绒服吗 鸭绒", DEMO_NOW) == []


def test_a_version_read_with_the_run_saves_the_get_and_an_older_one_never_rebuilds_backwards(
    store: ShopStore, demo: ShopData
) -> None:
    base = KnowledgeBase(records(store))
    old = records(store).version()
    assert base.matches("可以开发票吗", DEMO_NOW, old)[0].entry.key == "invoice_how"
    gets = lambda: store.client.info("commandstats")["cmdstat_get"]["calls"]  # noqa: E731
    before = gets()
    assert base.matches("可以开发票吗", DEMO_NOW, old) and gets() == before  # no GET of the version
    records(store).put(KnowledgeEntry(key="down", question="有羽绒服吗", keywords=["羽绒"], answer="亲，冬款羽绒服12月上新哦～"))
    new = records(store).version()
    assert base.matches("有羽绒服吗 鸭绒", DEMO_NOW, new)[0].entry.key == "down"
    # A run that read the version before the change: the entries now, not a rebuild of the old ones.
    assert base.matches("有羽绒服吗 鸭绒", DEMO_NOW, old)[0].entry.key == "down"
    assert base.index(new) is base.index(old)


def test_a_bad_entry_writes_nothing(store: ShopStore, demo: ShopData, tmp_path) -> None:
    raw = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    raw["knowledge"] = [{"key": "fine", "question": "q", "answer": "亲，好的"}, {"key": "broken", "question": "q"}]
    raw["shop"]["name"] = "改过的名字"
    bad = tmp_path / "shop.yml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    before = records(store).version()
    with pytest.raises(DataFileError) as error:
        load_file(bad, store)
    assert "knowledge[1]" in str(error.value) and "answer" in str(error.value) and str(bad) in str(error.value)
    assert records(store).version() == before and "fine" not in [e.key for e in records(store).entries()]
    assert store.shop().name == demo.shop.name


def test_reloading_without_the_pack_removes_the_entries(store: ShopStore, demo: ShopData, tmp_path) -> None:
    raw = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    raw["knowledge_pack"] = False
    plain = tmp_path / "shop.yml"
    plain.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    load_file(plain, store)
    assert records(store).entries() == []
