"""Which product a chat is about, and which aspect of it a question asks for."""

from __future__ import annotations

from enum import Enum
from typing import List, Optional, Tuple

from bot.models import Product
from bot.services.ports import ShopReader
from bot.services.shipping import ShippingQuote


class ProductTopic(str, Enum):
    colour = "colour"
    price = "price"
    breathable = "breathable"
    stretch = "stretch"
    thickness = "thickness"
    care = "care"
    general = "general"


# Ordered: the first keyword found decides. Keywords are on normalised (simplified) text.
_TOPIC_KEYWORDS = (
    (ProductTopic.colour, ("颜色", "色差", "什么色", "几个色")),
    (ProductTopic.price, ("价格", "多少钱", "为什么贵", "这么贵", "价钱", "区别")),
    (ProductTopic.breathable, ("透气", "闷", "热不热")),
    (ProductTopic.stretch, ("弹力", "弹性", "有弹", "紧不紧")),
    (ProductTopic.thickness, ("厚", "薄", "透不透", "冬天", "夏天")),
    (ProductTopic.care, ("洗", "缩水", "熨", "掉色吗")),
)


def question_topic(text: str) -> ProductTopic:
    for topic, keywords in _TOPIC_KEYWORDS:
        if any(k in text for k in keywords):
            return topic
    return ProductTopic.general


def resolve_product(store: ShopReader, *candidates: Optional[str]) -> Optional[Product]:
    """The first candidate (sku, name or alias) that names a product in the catalogue."""
    for candidate in candidates:
        if not candidate:
            continue
        product = store.product(str(candidate))
        if product is None:
            sku = store.sku_for_name(str(candidate))
            product = store.product(sku) if sku else None
        if product is not None:
            return product
    return None


# The character that names a colour's family: 雾霾蓝色 and 天蓝 are 蓝, 米白色 is 白, 杏色 is 杏.
_FAMILY_CHARS = "黑白红蓝绿黄紫灰粉青棕橙金银杏米驼咖卡"


def colour_family(colour: str) -> str:
    stem = colour[:-1] if colour.endswith("色") and len(colour) > 1 else colour
    return next((char for char in reversed(stem) if char in _FAMILY_CHARS), stem)


def match_colour(product: Product, said: Optional[str]) -> Tuple[Optional[str], List[str]]:
    """The item's own colour the buyer means ("蓝色" on an item in 杏色/雾霾蓝色 is 雾霾蓝色),
    and the item's colours of that family when more than one could be meant (then none is
    chosen). A colour the item has no shade of comes back as said, to be answered "没有"."""
    if not said or said in product.colours:
        return said, []
    family = [c for c in product.colours if colour_family(c) == colour_family(said)]
    if len(family) == 1:
        return family[0], []
    if family:
        return None, family
    return said, []


def add_ons_for_free_shipping(
    store: ShopReader, gap: float, viewed: Optional[Product], region: Optional[str], limit: int = 3
) -> List[Product]:
    """凑单: in-stock items whose price alone closes the gap to free shipping, the closest above
    the gap first (a buyer adds the least), the viewed item's category first among equals; never
    the viewed item itself, nor one that cannot go to the buyer's region."""
    candidates = [
        product
        for product in store.products()
        if product.price >= gap
        and any(variant.stock > 0 for variant in product.variants)
        and (viewed is None or product.sku != viewed.sku)
        and not (region and region in product.restricted_regions)
    ]
    same_category = viewed.category if viewed else None
    candidates.sort(key=lambda p: (round(p.price - gap, 2), p.category != same_category, p.sku))
    return candidates[:limit]


def add_ons_for_quote(store: ShopReader, shipping: ShippingQuote, viewed: Optional[Product]) -> List[Product]:
    """凑单 beside a free-shipping answer: only when the order is short of the threshold and the
    item can go to the buyer's region at all."""
    gap = shipping.short_of_threshold
    if not gap or shipping.restricted:
        return []
    return add_ons_for_free_shipping(store, gap, viewed, shipping.region)
