"""Tests for bot.nlu.lexicon: building from shop data, JSON round trip, jieba dictionary, CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from bot.models import ShopData
from bot.nlu.lexicon import (
    JIEBA_FILE_NAME,
    SHOP_SLANG,
    Lexicon,
    jieba_words,
    main,
    write_jieba_dictionary,
)
from bot.nlu.regions import PROVINCES
from bot.settings import PROJECT_ROOT

DEMO_FILE = PROJECT_ROOT / "data" / "shop" / "demo_shop.yml"

_CHART = [
    {"size": "S", "height_cm": {"min": 150, "max": 158}, "weight_kg": {"min": 40, "max": 47}},
    {"size": "M", "height_cm": {"min": 158, "max": 165}, "weight_kg": {"min": 47, "max": 54}},
]


def _product(sku: str, name: str, aliases: list, colours: list, material: str) -> Dict[str, Any]:
    return {
        "sku": sku,
        "name": name,
        "category": "T恤",
        "aliases": aliases,
        "price": 59.9,
        "material": {"name": material, "composition": "100%棉"},
        "colours": colours,
        "variants": [{"colour": colours[0], "size": "S", "stock": 1}],
        "size_chart": _CHART,
    }


SHOP: Dict[str, Any] = {
    "shop": {
        "id": "test",
        "name": "测试小铺",
        "policy": {
            "free_shipping_threshold": 99,
            "same_day_cutoff_hour": 16,
            "default_courier": {"code": "yto", "name": "圆通快递", "fee": 8},
            "upgrade_couriers": [{"code": "sf", "name": "顺丰速运", "fee": 12}],
            "return_window_days": 7,
        },
    },
    "products": [
        _product("T001", "女款纯棉圆领长袖T恤", ["白T", "纯棉T恤"], ["白色", "雾霾蓝色"], "精梳棉"),
        _product("T003", "男款重磅纯棉短袖T恤", ["男T"], ["黑色"], "重磅纯棉（260g）"),
    ],
}


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.from_shop_data(ShopData.parse_obj(SHOP))


def test_from_shop_data(lexicon: Lexicon) -> None:
    assert lexicon.product_names == {
        "女款纯棉圆领长袖t恤": "T001",
        "白t": "T001",
        "纯棉t恤": "T001",
        "男款重磅纯棉短袖t恤": "T003",
        "男t": "T003",
    }
    assert lexicon.colours == ("白色", "雾霾蓝色", "黑色")
    assert lexicon.couriers == ("圆通快递", "圆通", "顺丰速运", "顺丰")
    assert lexicon.materials == ("精梳棉", "重磅纯棉")  # the (260g) note is no word
    assert lexicon.categories == ("t恤",)
    assert lexicon.sizes[:4] == ("XS", "S", "M", "L")
    assert lexicon.regions["新疆维吾尔自治区"] == "新疆"
    assert lexicon.regions["乌鲁木齐"] == "新疆"


def test_regions_cover_all_provincial_divisions(lexicon: Lexicon) -> None:
    assert len(PROVINCES) == 34
    assert set(lexicon.regions.values()) == set(PROVINCES)


def test_save_and_load_round_trip(lexicon: Lexicon, tmp_path: Path) -> None:
    path = tmp_path / "nested" / "shop_lexicon.json"
    lexicon.save(path)
    assert Lexicon.load(path) == lexicon
    assert json.loads(path.read_text(encoding="utf-8"))["product_names"]["白t"] == "T001"


def test_load_without_regions_uses_the_built_in_table(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"product_names": {"白t": "T001"}}), encoding="utf-8")
    loaded = Lexicon.load(path)
    assert loaded.product_names == {"白t": "T001"}
    assert loaded.regions["拉萨"] == "西藏"


def test_jieba_dictionary(lexicon: Lexicon, tmp_path: Path) -> None:
    written = write_jieba_dictionary(lexicon, tmp_path / "jieba")
    assert written == tmp_path / "jieba" / JIEBA_FILE_NAME
    lines = written.read_text(encoding="utf-8").splitlines()
    entries = {}
    for line in lines:
        word, freq, tag = line.split(" ")
        assert int(freq) > 0 and tag
        entries[word] = tag
    for word in ["男款重磅纯棉短袖t恤", "白t", "雾霾蓝色", "精梳棉", "重磅纯棉", "顺丰速运", "xl"]:
        assert word in entries, word
    for word in ["包邮", "亲亲", "运费险", "七天无理由", "偏大", "偏小", "尺码表", "顺丰", "圆通"]:
        assert word in entries, word
    assert set(SHOP_SLANG) <= set(entries)
    assert entries["男款重磅纯棉短袖t恤"] == "nz"


def test_jieba_keeps_product_names_whole(lexicon: Lexicon, tmp_path: Path) -> None:
    import jieba

    written = write_jieba_dictionary(lexicon, tmp_path)
    segmenter = jieba.Tokenizer()
    segmenter.load_userdict(str(written))
    assert "男款重磅纯棉短袖t恤" in segmenter.lcut("我想买男款重磅纯棉短袖t恤")
    assert "运费险" in segmenter.lcut("有运费险吗")


def test_jieba_words_skip_words_with_spaces() -> None:
    lexicon = Lexicon(product_names={"free size t": "X1", "帽衫": "W001"})
    assert "free size t" not in jieba_words(lexicon)
    assert "帽衫" in jieba_words(lexicon)


def test_cli_writes_lexicon_and_jieba_dictionary(tmp_path: Path) -> None:
    data_file = tmp_path / "shop.yml"
    data_file.write_text(yaml.safe_dump(SHOP, allow_unicode=True), encoding="utf-8")
    lexicon_file = tmp_path / "lexicon" / "shop_lexicon.json"
    jieba_dir = tmp_path / "jieba"
    main([str(data_file), "--lexicon", str(lexicon_file), "--jieba-dir", str(jieba_dir)])
    assert Lexicon.load(lexicon_file).product_names["男t"] == "T003"
    assert [p.name for p in jieba_dir.iterdir()] == [JIEBA_FILE_NAME]


@pytest.mark.skipif(not DEMO_FILE.exists(), reason="demo shop data not written yet")
def test_cli_on_demo_data(tmp_path: Path) -> None:
    lexicon_file = tmp_path / "shop_lexicon.json"
    main([str(DEMO_FILE), "--lexicon", str(lexicon_file), "--jieba-dir", str(tmp_path / "j")])
    lexicon = Lexicon.load(lexicon_file)
    assert lexicon.product_names
    assert all(name == name.lower() for name in lexicon.product_names)


@pytest.mark.skipif(not DEMO_FILE.exists(), reason="demo shop data not written yet")
def test_committed_lexicon_and_dictionary_are_what_make_dictionary_writes(tmp_path: Path) -> None:
    # The model ships data/lexicon and data/jieba: a change to the rules that generate them
    # (a new region alias, say) does nothing until `make dictionary` is run and committed.
    jieba_dir = tmp_path / "jieba"
    main([str(DEMO_FILE), "--lexicon", str(tmp_path / "shop_lexicon.json"), "--jieba-dir", str(jieba_dir)])
    committed = PROJECT_ROOT / "data"
    assert json.loads((tmp_path / "shop_lexicon.json").read_text(encoding="utf-8")) == json.loads(
        (committed / "lexicon" / "shop_lexicon.json").read_text(encoding="utf-8")
    ), "run `make dictionary`"
    assert (jieba_dir / JIEBA_FILE_NAME).read_text(encoding="utf-8") == (committed / "jieba" / JIEBA_FILE_NAME).read_text(
        encoding="utf-8"
    ), "run `make dictionary`"
