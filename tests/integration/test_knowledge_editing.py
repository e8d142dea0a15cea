"""The owner's knowledge edits in a real Redis: validated like the shop file (in Chinese, naming the
field, nothing written), effective for every process at once, each kept with who/when/before/after
and undone in one step."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.editing import AlreadyUndone, KnowledgeEditor
from bot.knowledge.form import KnowledgeFormError, entry_from_form
from bot.knowledge.records import KnowledgeChange, KnowledgeConflict, KnowledgeRecords
from bot.models import KnowledgeEntry, ShopData
from bot.store import ShopStore
from tests.conftest import DEMO_NOW

SHANGHAI = ZoneInfo("Asia/Shanghai")
DOWN = {
    "question": "有羽绒服吗",
    "similar": ["羽绒服什么时候上新"],
    "keywords": ["羽绒", "鸭绒"],
    "answer": "亲，冬款羽绒服12月上新哦～",
}


def records(store: ShopStore) -> KnowledgeRecords:
    return KnowledgeRecords(store.client, store.shop_id)


def test_an_added_entry_answers_at_once_and_is_kept_in_the_history(store: ShopStore, demo: ShopData) -> None:
    replica = KnowledgeBase(records(store))
    assert replica.matches("鸭绒的有吗", DEMO_NOW) == []
    change = KnowledgeEditor(records(store)).add(entry_from_form(DOWN, SHANGHAI), "boss")
    assert change.key.startswith("own_") and change.by == "boss" and change.before is None
    assert replica.matches("鸭绒的有吗", DEMO_NOW)[0].entry.question == "有羽绒服吗"
    (kept,) = records(store).history()
    assert kept == change and kept.after is not None and kept.after.answer == DOWN["answer"]


def test_an_edit_is_undone_to_what_it_was(store: ShopStore, demo: ShopData) -> None:
    editor = KnowledgeEditor(records(store))
    before = records(store).entry("invoice_how")
    assert before is not None
    edited = editor.update(entry_from_form({**before.dict(), "answer": "亲，发票请联系客服～"}, SHANGHAI, base=before), "boss")
    assert records(store).entry("invoice_how").answer == "亲，发票请联系客服～"  # type: ignore[union-attr]
    undo = editor.undo(edited.id, "boss2")
    assert records(store).entry("invoice_how") == before
    assert undo.undoes == edited.id and undo.by == "boss2" and undo.after == before
    assert [c.id for c in records(store).history()] == [undo.id, edited.id]
    with pytest.raises(AlreadyUndone):
        editor.undo(edited.id, "boss")


def test_a_deleted_or_disabled_entry_comes_back_with_undo(store: ShopStore, demo: ShopData) -> None:
    editor, base = KnowledgeEditor(records(store)), KnowledgeBase(records(store))
    assert base.matches("可以开发票吗", DEMO_NOW)[0].entry.key == "invoice_how"
    off = editor.set_enabled("invoice_how", False, "boss")
    assert all(m.entry.key != "invoice_how" for m in base.matches("可以开发票吗", DEMO_NOW))
    gone = editor.delete("invoice_how", "boss")
    assert records(store).entry("invoice_how") is None and gone.before == off.after
    editor.undo(gone.id, "boss")
    editor.undo(off.id, "boss")
    assert base.matches("可以开发票吗", DEMO_NOW)[0].entry.key == "invoice_how"


def test_undo_is_refused_when_the_entry_changed_since(store: ShopStore, demo: ShopData) -> None:
    editor = KnowledgeEditor(records(store))
    first = editor.set_enabled("invoice_how", False, "boss")
    editor.set_enabled("invoice_how", True, "boss2")
    version = records(store).version()
    with pytest.raises(KnowledgeConflict):
        editor.undo(first.id, "boss")  # would silently drop boss2's edit
    assert records(store).version() == version and records(store).entry("invoice_how").enabled  # type: ignore[union-attr]


def test_a_change_made_from_a_stale_entry_is_refused(store: ShopStore, demo: ShopData) -> None:
    current = records(store).entry("invoice_how")
    assert current is not None
    stale = current.copy(update={"answer": "亲，旧的答案"})
    change = KnowledgeChange(id="x1", key="invoice_how", by="boss", at=DEMO_NOW, before=stale, after=current)
    with pytest.raises(KnowledgeConflict):
        records(store).apply(change)
    assert records(store).history() == []


@pytest.mark.parametrize(
    "form, message",
    [
        ({**DOWN, "question": "  "}, "「标准问题」不能为空"),
        ({**DOWN, "answer": ""}, "「答案」不能为空"),
        ({**DOWN, "answer": "亲" * 1001}, "「答案」太长了，最多 1000 个字"),
        (
            {**DOWN, "answer": "亲，可以开{invoice_types}哦"},
            "「答案」里还有待填写的 {invoice_types}，请换成本店的实际可开发票类型",
        ),
        ({**DOWN, "valid_from": "下周一"}, "「生效时间」不是有效的时间"),
        ({**DOWN, "valid_from": "2026-11-12T00:00", "valid_until": "2026-11-11T00:00"}, "「失效时间」要晚于生效时间"),
        ({**DOWN, "question": "问" * 201}, "「标准问题」太长了，最多 200 个字"),
        ({**DOWN, "similar": 5}, "「相似问法」要一行写一条"),
    ],
)
def test_bad_input_is_told_in_chinese_naming_the_field(form: dict, message: str) -> None:
    with pytest.raises(KnowledgeFormError) as error:
        entry_from_form(form, SHANGHAI)
    assert str(error.value).startswith(message), str(error.value)


def test_the_owners_answer_fills_a_pending_entry_in_the_shops_time_zone() -> None:
    pending = KnowledgeEntry(
        key="warranty", question="保修吗", keywords=["保修"], answer="亲，保修{warranty_days}天", missing_facts=["warranty_days"]
    )
    filled = entry_from_form(
        {
            "question": "保修吗",
            "keywords": "保修\n质保",
            "answer": "亲，质量问题一年内免费修哦～",
            "valid_until": "2026-12-31T23:59",
        },
        SHANGHAI,
        base=pending,
    )
    assert filled.key == "warranty" and filled.missing_facts == [] and filled.keywords == ["保修", "质保"]
    assert filled.valid_until is not None and filled.valid_until.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]
    assert filled.live(DEMO_NOW)


def test_reloading_the_shop_file_keeps_the_owners_console_edits(store: ShopStore, demo: ShopData) -> None:
    """A developer reloads the file (new prices); the owner's answers stay: an edited entry as the
    owner left it, a deleted one deleted, an added one there. `knowledge_from_file` overwrites them."""
    from bot.loader import load_file
    from tests.conftest import DEMO_FILE

    editor = KnowledgeEditor(records(store))
    before = records(store).entry("invoice_how")
    assert before is not None
    editor.update(entry_from_form({**before.dict(), "answer": "亲，发票下单时备注就行～"}, SHANGHAI, base=before), "boss")
    editor.delete("warranty", "boss")
    added = editor.add(entry_from_form(DOWN, SHANGHAI), "boss")

    load_file(DEMO_FILE, store)
    assert records(store).entry("invoice_how").answer == "亲，发票下单时备注就行～"  # type: ignore[union-attr]
    assert records(store).entry("warranty") is None
    assert records(store).entry(added.key) is not None

    load_file(DEMO_FILE, store, knowledge_from_file=True)
    assert records(store).entry("invoice_how") == before
    assert records(store).entry("warranty") is not None and records(store).entry(added.key) is None
