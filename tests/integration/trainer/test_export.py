"""export-corrections: Rasa NLU YAML, merged and deduplicated, with conflict and evaluation guards."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import List, Optional

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.cli import main
from bot.redis_server import RedisServer
from bot.store import ShopStore
from bot.trainer.corrections import Correction, build_correction, mark_message
from bot.trainer.export import HEADER, export_corrections
from tests.conftest import marks_of

T0 = datetime(2026, 11, 26, 6, 0, tzinfo=timezone.utc)
SIZING = """version: "3.1"

nlu:
- intent: ask_size
  examples: |
    - 穿多大码
    - [一米六五]{"entity": "height", "value": "165"}穿几码
- intent: inform
  examples: |
    - [M](size)
"""


def correction(
    text: str,
    intent: str,
    minutes: int = 0,
    message_id: Optional[str] = None,
    entities: Optional[list] = None,
    conversation_id: str = "buyer_xiaomei",
) -> Correction:
    return build_correction(
        conversation_id=conversation_id,
        message_id=message_id or f"m-{text}-{minutes}",
        text=text,
        correct_intent=intent,
        corrected_by="trainer",
        entities=entities or [],
        created_at=T0 + timedelta(minutes=minutes),
    )


@pytest.fixture
def nlu_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "nlu"
    directory.mkdir()
    (directory / "sizing.yml").write_text(SIZING, encoding="utf-8")
    return directory


@pytest.fixture
def eval_file(tmp_path: Path) -> Path:
    path = tmp_path / "real_buyer_messages.tsv"
    path.write_text("可以优惠价么\tbargain\n发的是特级吗\task_product_info\n", encoding="utf-8")
    return path


def examples(path: Path) -> List[tuple]:
    """(intent, plain text, [(entity, value, covered text)]) as Rasa reads the file."""
    data = load_data(str(path))
    return sorted(
        (
            m.get("intent"),
            m.get("text"),
            [(e["entity"], e["value"], m.get("text")[e["start"] : e["end"]]) for e in m.get("entities", [])],
        )
        for m in data.intent_examples
    )


def test_exports_valid_rasa_yaml_with_entity_annotations(nlu_dir: Path, eval_file: Path) -> None:
    out = nlu_dir / "corrections.yml"
    report = export_corrections(
        [
            correction(
                "一米七五 一百四十斤穿几码",
                "ask_size",
                entities=[
                    {"entity": "height", "start": 0, "end": 4, "value": "175"},
                    {"entity": "weight", "start": 5, "end": 10, "value": 70},
                ],
            ),
            correction("有没有黑色的", "ask_stock", entities=[{"entity": "colour", "start": 3, "end": 5}]),
            correction("啥时候能到新疆", "ask_shipping_time"),
        ],
        out=out,
        nlu_dir=nlu_dir,
        eval_file=eval_file,
    )
    assert report.warnings == ()
    text = out.read_text(encoding="utf-8")
    assert text.startswith(HEADER + 'version: "3.1"\n\nnlu:\n- intent: ask_shipping_time\n  examples: |\n')
    assert '- [一米七五]{"entity": "height", "value": "175"} [一百四十斤]{"entity": "weight", "value": "70"}穿几码' in text
    assert '- 有没有[黑色]{"entity": "colour", "value": "黑色"}的' in text
    assert examples(out) == [
        ("ask_shipping_time", "啥时候能到新疆", []),
        ("ask_size", "一米七五 一百四十斤穿几码", [("height", "175", "一米七五"), ("weight", "70", "一百四十斤")]),
        ("ask_stock", "有没有黑色的", [("colour", "黑色", "黑色")]),
    ]


def test_conflicts_with_another_intent_are_warned_and_not_exported(nlu_dir: Path, eval_file: Path) -> None:
    out = nlu_dir / "corrections.yml"
    report = export_corrections(
        [correction(" 穿多大码 ", "ask_product_info"), correction("一米六五穿几码", "inform")],
        out=out,
        nlu_dir=nlu_dir,
        eval_file=eval_file,
    )
    assert report.added == ()
    assert not out.exists()
    assert len(report.warnings) == 2
    first, second = sorted(report.warnings)
    assert "'一米六五穿几码'" in first and "another intent: ask_size in" in first and "sizing.yml" in first
    assert "'穿多大码'" in second and "ask_size in" in second and "not exported" in second


def test_same_intent_and_duplicates_are_skipped(nlu_dir: Path, eval_file: Path) -> None:
    out = nlu_dir / "corrections.yml"
    report = export_corrections(
        [
            correction("穿多大码\n", "ask_size"),  # already an example, whitespace aside
            correction("包邮不", "ask_free_shipping", minutes=1),
            correction(" 包邮不", "ask_free_shipping", minutes=2, conversation_id="buyer_ahua"),
        ],
        out=out,
        nlu_dir=nlu_dir,
        eval_file=eval_file,
    )
    assert report.warnings == ()
    assert [(s.intent, s.text) for s in report.already_present] == [("ask_size", "穿多大码")]
    assert [(e.intent, e.text) for e in report.added] == [("ask_free_shipping", "包邮不")]
    assert examples(out) == [("ask_free_shipping", "包邮不", [])]


def test_merges_with_the_file_and_a_second_export_changes_nothing(nlu_dir: Path, eval_file: Path) -> None:
    out = nlu_dir / "corrections.yml"
    out.write_text(
        'version: "3.1"\nnlu:\n- intent: bargain\n  examples: |\n    - 最低多少\n    - 能少点不\n',
        encoding="utf-8",
    )
    marks = [correction("老板抹个零", "bargain"), correction("包邮不", "ask_free_shipping"), correction("能少点不", "bargain")]
    report = export_corrections(marks, out=out, nlu_dir=nlu_dir, eval_file=eval_file)
    assert [e.text for e in report.added] == ["包邮不", "老板抹个零"]
    assert [s.text for s in report.already_present] == ["能少点不"]
    assert examples(out) == [
        ("ask_free_shipping", "包邮不", []),
        ("bargain", "最低多少", []),
        ("bargain", "老板抹个零", []),
        ("bargain", "能少点不", []),
    ]
    written = out.read_text(encoding="utf-8")
    assert written.index("- 最低多少") < written.index("- 老板抹个零") < written.index("- 能少点不")  # sorted
    again = export_corrections(marks, out=out, nlu_dir=nlu_dir, eval_file=eval_file)
    assert again.added == () and not again.written
    assert out.read_text(encoding="utf-8") == written


def test_evaluation_lines_are_refused(nlu_dir: Path, eval_file: Path) -> None:
    out = nlu_dir / "corrections.yml"
    report = export_corrections([correction("可以优惠价么 ", "bargain")], out=out, nlu_dir=nlu_dir, eval_file=eval_file)
    assert report.added == () and not out.exists()
    assert "identical to a line of the evaluation file" in report.warnings[0]
    assert str(eval_file) in report.warnings[0] or eval_file.name in report.warnings[0]


def test_the_latest_of_contradicting_marks_wins_with_a_warning(nlu_dir: Path, eval_file: Path) -> None:
    out = nlu_dir / "corrections.yml"
    report = export_corrections(
        [correction("到哪了", "ask_shipping_time", minutes=1), correction("到哪了", "ask_order_status", minutes=5)],
        out=out,
        nlu_dir=nlu_dir,
        eval_file=eval_file,
    )
    assert [(e.intent, e.text) for e in report.added] == [("ask_order_status", "到哪了")]
    assert "marked as ask_shipping_time and as ask_order_status" in report.warnings[0]


def test_an_annotation_rasa_would_misread_is_not_exported(nlu_dir: Path, eval_file: Path) -> None:
    out = nlu_dir / "corrections.yml"
    report = export_corrections(
        [
            correction("[急]有M码吗", "ask_stock", entities=[{"entity": "size", "start": 4, "end": 5}]),
            correction("[急](加急)有货吗", "ask_stock"),
        ],
        out=out,
        nlu_dir=nlu_dir,
        eval_file=eval_file,
    )
    assert [e.text for e in report.added] == ["[急]有M码吗"]
    assert examples(out) == [("ask_stock", "[急]有M码吗", [("size", "M", "M")])]
    assert "'[急](加急)有货吗'" in report.warnings[0] and "Rasa would read" in report.warnings[0]


def test_the_command_exports_from_redis_against_the_real_training_data(
    store: ShopStore,
    redis_server: RedisServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("SHOP_ID", "demo")
    mark_message(
        marks_of(store), conversation_id="c1", message_id="1", text="穿多大码", correct_intent="inform", corrected_by="t"
    )  # an ask_size example in data/nlu/sizing.yml
    mark_message(
        marks_of(store),
        conversation_id="c1",
        message_id="2",
        text="这个小店的快递能寄到阿勒泰吗",
        correct_intent="ask_courier",
        corrected_by="t",
        entities=[{"entity": "region", "start": 10, "end": 13}],
    )
    out = tmp_path / "corrections.yml"
    assert main(["export-corrections", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "1 example(s) added" in printed.out and "make eval" in printed.out
    assert (
        "warning: '穿多大码' (inform, conversation c1): already a training example of another intent: "
        "ask_size in data/nlu/sizing.yml" in printed.err
    )
    assert examples(out) == [("ask_courier", "这个小店的快递能寄到阿勒泰吗", [("region", "阿勒泰", "阿勒泰")])]
