"""The shop vocabulary the entity rules and the tokenizer need, built from the shop data file.

CLI (writes the lexicon JSON the Rasa component ships in the model, and a jieba user dictionary
for JiebaTokenizer's ``dictionary_path``)::

    python -m bot.nlu.lexicon data/shop/demo_shop.yml \
        --lexicon data/lexicon/shop_lexicon.json --jieba-dir data/jieba
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from bot.models import ShopData
from bot.nlu.normalize import normalize
from bot.nlu.regions import region_aliases

PathLike = Union[str, Path]

JIEBA_FILE_NAME = "shop_dict.txt"

# Canonical size codes the entity rules produce (smallest first).
SIZE_CODES: Tuple[str, ...] = ("XS", "S", "M", "L", "XL", "2XL", "3XL", "4XL", "均码")

# Words buyers and shop staff use that jieba's stock dictionary splits badly.
SHOP_SLANG: Tuple[str, ...] = (
    "包邮", "亲亲", "亲", "运费险", "七天无理由", "七天无理由退换", "七天无理由退货",
    "偏大", "偏小", "正码", "尺码表", "尺码", "大一码", "小一码", "拍大一码", "拍小一码",
    "加大码", "加加大", "均码", "退换货", "退货", "换货", "发货", "催发货", "改地址",
    "快递单号", "订单号", "物流", "色差", "起球", "掉色", "缩水", "褪色", "显瘦", "修身",
    "宽松", "加绒", "赠品", "优惠券", "老客", "人工客服", "转人工", "拍下", "下单",
    "顺丰", "圆通", "中通", "申通", "韵达", "京东", "极兔", "邮政", "ems",
)  # fmt: skip

_COURIER_SUFFIXES = ("快递", "速运", "速递", "物流")
_PARENTHESES = re.compile(r"\([^)]*\)")

# Tag and frequency per kind of word; the frequency only has to beat jieba's split of the word.
_JIEBA_KINDS: Dict[str, Tuple[int, str]] = {
    "product": (3000, "nz"),
    "colour": (3000, "n"),
    "material": (2000, "n"),
    "category": (2000, "n"),
    "courier": (2000, "nt"),
    "size": (2000, "eng"),
    "slang": (2000, "n"),
    "region": (2000, "ns"),
}


def _term(text: str) -> str:
    """Lexicon form of a surface string: normalised like buyer text, parentheses dropped."""
    return _PARENTHESES.sub("", normalize(text)).strip()


def _unique(items: Iterable[str]) -> Tuple[str, ...]:
    seen: Dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return tuple(seen)


def _courier_names(full_names: Sequence[str]) -> Tuple[str, ...]:
    names: List[str] = []
    for name in full_names:
        names.append(name)
        for suffix in _COURIER_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                names.append(name[: -len(suffix)])  # 顺丰速运 -> 顺丰
    return _unique(names)


@dataclass(frozen=True)
class Lexicon:
    """Shop vocabulary; every string is in normalised form (see bot.nlu.normalize)."""

    product_names: Dict[str, str] = field(default_factory=dict, hash=False)  # name/alias -> sku
    colours: Tuple[str, ...] = ()
    couriers: Tuple[str, ...] = ()
    materials: Tuple[str, ...] = ()
    categories: Tuple[str, ...] = ()
    sizes: Tuple[str, ...] = SIZE_CODES
    regions: Dict[str, str] = field(default_factory=region_aliases, hash=False)  # form -> province

    @classmethod
    def from_shop_data(cls, data: ShopData) -> "Lexicon":
        product_names: Dict[str, str] = {}
        for product in data.products:
            for name in [product.name, *product.aliases]:
                term = _term(name)
                if term:
                    product_names.setdefault(term, product.sku)
        policy = data.shop.policy
        courier_names = [policy.default_courier.name, *(c.name for c in policy.upgrade_couriers)]
        return cls(
            product_names=product_names,
            colours=_unique(
                _term(colour) for product in data.products for colour in [*product.colours, *(v.colour for v in product.variants)]
            ),
            couriers=_courier_names([_term(name) for name in courier_names]),
            materials=_unique(_term(p.material.name) for p in data.products),
            categories=_unique(_term(p.category) for p in data.products),
            sizes=_unique([*SIZE_CODES, *(s for p in data.products for s in p.sizes)]),
        )

    def to_dict(self) -> Dict[str, Any]:
        return {
            "product_names": dict(sorted(self.product_names.items())),
            "colours": list(self.colours),
            "couriers": list(self.couriers),
            "materials": list(self.materials),
            "categories": list(self.categories),
            "sizes": list(self.sizes),
            "regions": dict(sorted(self.regions.items())),
        }

    @classmethod
    def from_dict(cls, raw: Dict[str, Any]) -> "Lexicon":
        return cls(
            product_names={str(k): str(v) for k, v in raw.get("product_names", {}).items()},
            colours=tuple(raw.get("colours", ())),
            couriers=tuple(raw.get("couriers", ())),
            materials=tuple(raw.get("materials", ())),
            categories=tuple(raw.get("categories", ())),
            sizes=tuple(raw.get("sizes", SIZE_CODES)),
            # An older file without regions still gets the built-in table.
            regions={str(k): str(v) for k, v in raw.get("regions", region_aliases()).items()},
        )

    def save(self, path: PathLike) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
        path.write_text(text + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: PathLike) -> "Lexicon":
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def jieba_words(lexicon: Lexicon) -> Dict[str, str]:
    """Word -> kind for the jieba user dictionary (first kind wins for a word in two lists)."""
    groups: List[Tuple[str, Iterable[str]]] = [
        ("product", lexicon.product_names),
        ("colour", lexicon.colours),
        ("material", lexicon.materials),
        ("category", lexicon.categories),
        ("courier", lexicon.couriers),
        ("size", (normalize(s) for s in lexicon.sizes)),
        ("slang", SHOP_SLANG),
        ("region", lexicon.regions),
    ]
    words: Dict[str, str] = {}
    for kind, items in groups:
        for word in items:
            # jieba's user dictionary is whitespace separated: a word cannot contain spaces.
            if word and not any(ch.isspace() for ch in word):
                words.setdefault(word, kind)
    return words


def write_jieba_dictionary(lexicon: Lexicon, path: PathLike) -> Path:
    """Write a jieba user dictionary (``word freq tag`` per line); returns the file written.

    ``path`` may be a directory (the file is then ``shop_dict.txt`` inside it, the layout
    JiebaTokenizer's ``dictionary_path`` expects) or a file path.
    """
    path = Path(path)
    if path.is_dir() or not path.suffix:
        path = path / JIEBA_FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for word, kind in jieba_words(lexicon).items():
        freq, tag = _JIEBA_KINDS[kind]
        lines.append(f"{word} {freq} {tag}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load_shop_data(path: PathLike) -> ShopData:
    """Read a YAML (or JSON, which is YAML) shop data file."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        return ShopData.parse_obj(yaml.safe_load(handle))


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_file", help="shop data file (YAML or JSON)")
    parser.add_argument("--lexicon", default="data/lexicon/shop_lexicon.json")
    parser.add_argument("--jieba-dir", default="data/jieba")
    args = parser.parse_args(argv)

    lexicon = Lexicon.from_shop_data(load_shop_data(args.data_file))
    lexicon.save(args.lexicon)
    Path(args.jieba_dir).mkdir(parents=True, exist_ok=True)
    written = write_jieba_dictionary(lexicon, args.jieba_dir)
    print(
        f"lexicon: {args.lexicon} ({len(lexicon.product_names)} product names, "
        f"{len(lexicon.colours)} colours); jieba dictionary: {written}"
    )


if __name__ == "__main__":
    main()
