"""The complaint report for the factory: reasons read from the buyer's words, per item."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from bot import cli
from bot.clock import fixed_clock
from bot.services.aftersales import record_quality_complaint
from bot.services.complaints import OTHER, complaint_reason, complaint_report, report_rows
from bot.store import ShopStore
from tests.conftest import DEMO_NOW


def complain(store: ShopStore, sku: str, words: str, hours_ago: float = 0, buyer: str = "buyer_xiaomei") -> None:
    clock = fixed_clock(DEMO_NOW - timedelta(hours=hours_ago))
    record_quality_complaint(store, buyer, buyer, words, store.product(sku), None, clock)


def test_reasons_come_from_the_words_and_the_shops_own_go_first() -> None:
    assert complaint_reason("洗了一次就掉色了") == "掉色"
    assert complaint_reason("线头好多") == "线头/做工"
    assert complaint_reason("不太满意") == OTHER  # nothing invented
    assert complaint_reason("穿着静电好大", {"静电": ["静电"]}) == "静电"
    assert complaint_reason("线头好多", {"做工差": ["线头"]}) == "做工差"


def test_the_report_counts_each_item_by_reason_share_and_week(store: ShopStore, demo) -> None:
    complain(store, "T001", "线头好多 做工太差")
    complain(store, "T002", "洗了一次就掉色了", hours_ago=7 * 24, buyer="buyer_chenchen")
    complain(store, "T002", "才穿两次就起球了", hours_ago=2, buyer="buyer_chenchen")
    complain(store, "T002", "穿着静电好大", hours_ago=1, buyer="buyer_chenchen")
    report = complaint_report(store, DEMO_NOW, weeks=4)
    t002, t001 = report.items  # most complained-of first
    assert (t002.sku, t002.complaints) == ("T002", 3)
    assert t002.by_reason == {"掉色": 1, "起球": 1, OTHER: 1}
    # Three complaints about one delivered T002 order: one order in one drew a complaint, never "300%".
    assert (t002.received_orders, t002.complained_orders, t002.share_of_received) == (1, 1, 1.0)
    assert [q.words for q in t002.latest] == ["穿着静电好大", "才穿两次就起球了", "洗了一次就掉色了"]  # newest first
    assert list(t002.by_week.values()) == [0, 0, 1, 2]
    assert (t001.complaints, t001.received_orders, t001.share_of_received) == (1, 2, 0.5)
    assert t001.by_reason == {"线头/做工": 1}

    # The shop adds a reason later: the complaints it already has are sorted by it too.
    old = store.shop()
    shop = old.copy(update={"policy": old.policy.copy(update={"complaint_reasons": {"静电": ["静电"]}})})
    store.write_all(demo.copy(update={"shop": shop, "products": [], "buyers": [], "orders": []}), merge=True)
    t002 = complaint_report(store, DEMO_NOW).items[0]
    assert t002.by_reason == {"掉色": 1, "起球": 1, "静电": 1}


def test_the_command_prints_the_report_and_writes_csv(
    store: ShopStore, demo, redis_server, monkeypatch, tmp_path: Path, capsys
) -> None:
    complain(store, "T001", "线头好多 做工太差")
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("SHOP_ID", "demo")
    monkeypatch.setenv("SHOP_FIXED_NOW", DEMO_NOW.isoformat())
    out = tmp_path / "complaints.csv"
    assert cli.main(["complaints", "--csv", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "T001" in printed and "线头/做工 1" in printed and "线头好多 做工太差" in printed
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][:4] == ["sku", "item", "reason", "complaints"]
    assert rows[1][0] == "T001" and rows[1][2:6] == ["线头/做工", "1", "2", "0.5000"]
    assert rows == report_rows(complaint_report(store, DEMO_NOW))


# What Excel and WPS run as a formula when a cell starts with it (and what hides one: tab, CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BUYER_FORMULAS = [
    '=HYPERLINK("http://evil.example","线头")',
    "+1+cmd|' /C calc'!A0",
    "-2+3 掉色",
    "@SUM(A1:A9)",
    "\t=1+1 起球",
    "\r=1+1 开线",
]


def no_formula_cells(rows) -> None:
    cells = [cell for row in rows for cell in row]
    assert cells and not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


def test_the_command_writes_buyers_formulas_as_text(store: ShopStore, demo, redis_server, monkeypatch, tmp_path: Path) -> None:
    for n, words in enumerate(BUYER_FORMULAS):
        complain(store, "T001", words, hours_ago=n)
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("SHOP_ID", "demo")
    monkeypatch.setenv("SHOP_FIXED_NOW", DEMO_NOW.isoformat())
    out = tmp_path / "complaints.csv"
    assert cli.main(["complaints", "--csv", str(out)]) == 0
    rows = list(csv.reader(out.open(encoding="utf-8-sig", newline="")))
    no_formula_cells(rows)
    assert any("HYPERLINK" in cell for row in rows for cell in row)  # the words are kept, as text


def test_the_share_is_of_received_orders_and_never_passes_one(store: ShopStore, demo) -> None:
    clock = fixed_clock(DEMO_NOW)
    paid_shirt = store.order("261124019907")  # chenchen's C001 shirt: paid, never received
    for words in ("衣服有线头", "又发现一个破洞", "还掉色"):
        record_quality_complaint(store, "buyer_chenchen", "c1", words, store.product("C001"), paid_shirt, clock)
    # T001: ahua complains of a parcel still on its way, xiaomei of her delivered one, twice.
    record_quality_complaint(store, "buyer_ahua", "c2", "领口开线", None, store.order("261125003371"), clock)
    for words in ("掉色了", "又洗了一次还掉色"):
        record_quality_complaint(store, "buyer_xiaomei", "c3", words, None, store.order("261103004512"), clock)
    items = {item.sku: item for item in complaint_report(store, DEMO_NOW).items}
    shirt, tee = items["C001"], items["T001"]
    assert (shirt.complaints, shirt.received_orders, shirt.complained_orders, shirt.share_of_received) == (3, 0, 0, None)
    assert (tee.complaints, tee.received_orders, tee.complained_orders, tee.share_of_received) == (3, 2, 1, 0.5)
    assert tee.by_reason_orders["掉色"] == 1
    assert all(row[5] in ("", "0.0000", "0.5000") for row in report_rows(complaint_report(store, DEMO_NOW))[1:])
