"""Questions about an item: material, feel, colours, price, stock (bot/services/products.py)."""

from __future__ import annotations

from typing import List, Optional

from bot.models import Product
from bot.replies.format import join, money
from bot.services.products import ProductTopic


def ask_which_product() -> str:
    return "亲，请问您问的是哪一款宝贝呢？可以把宝贝链接发给我，或者告诉我宝贝名称哦～"


def unknown_product_hint(products: List[Product]) -> str:
    names = join(p.name for p in products[:6])
    return f"亲，店里目前有这些宝贝：{names}……您想了解哪一款呢？"


STRETCH_WORDS = {"none": "没有弹力", "slight": "微弹", "high": "弹力很好"}
THICKNESS_WORDS = {"thin": "偏薄款", "medium": "厚度适中", "thick": "偏厚款"}


def material_line(product: Product) -> str:
    material = product.material
    parts = [f"【{product.name}】面料是{material.name}（{material.composition}）"]
    if material.breathable is not None:
        parts.append("透气性好" if material.breathable else "透气性一般")
    if material.stretch in STRETCH_WORDS:
        parts.append(STRETCH_WORDS[material.stretch])
    if material.thickness in THICKNESS_WORDS:
        parts.append(THICKNESS_WORDS[material.thickness])
    return "，".join(parts) + "。"


def colour_choices(product: Product) -> str:
    """The colours a buyer can order now, naming the sold-out ones as such."""
    in_stock = [c for c in product.colours if product.stock_of(c) > 0]
    sold_out = [c for c in product.colours if c not in in_stock]
    if not in_stock:
        return f"{join(sold_out)}，不过目前都暂时缺货"
    tail = f"（{join(sold_out)}暂时缺货）" if sold_out else ""
    return f"{join(in_stock)}可选{tail}"


def product_info(product: Product, topic: ProductTopic) -> str:
    material = product.material
    if topic is ProductTopic.colour:
        return f"亲，【{product.name}】有{colour_choices(product)}哦～"
    if topic is ProductTopic.price:
        return f"亲，【{product.name}】的价格是{money(product.price)}，店里都是实价销售哦。" f"{material_line(product)}"
    if topic is ProductTopic.breathable and material.breathable is not None:
        verdict = "透气性好，夏天穿也舒服" if material.breathable else "透气性一般，更适合凉快的天气"
        return f"亲，【{product.name}】是{material.name}（{material.composition}），{verdict}～"
    if topic is ProductTopic.stretch and material.stretch in STRETCH_WORDS:
        return f"亲，【{product.name}】是{material.name}（{material.composition}），{STRETCH_WORDS[material.stretch]}哦～"
    if topic is ProductTopic.thickness and material.thickness in THICKNESS_WORDS:
        return f"亲，【{product.name}】{THICKNESS_WORDS[material.thickness]}，面料是{material.name}（{material.composition}）～"
    if topic is ProductTopic.care and material.care:
        return f"亲，【{product.name}】的洗护建议：{material.care}～"
    text = f"亲，{material_line(product)}"
    if product.description:
        text += product.description
    text += f" 价格{money(product.price)}，颜色有{colour_choices(product)}。"
    return text


def which_shade(product: Product, shades: List[str]) -> str:
    return f"亲，【{product.name}】有{join(shades)}，您想要的是哪一个呀？我帮您查库存～"


def stock(product: Product, colour: Optional[str], size: Optional[str]) -> str:
    if colour and colour not in product.colours:
        return f"亲，【{product.name}】没有{colour}哦，目前有{colour_choices(product)}～"
    if size and size not in product.sizes:
        return f"亲，【{product.name}】没有{size}这个尺码，可选尺码是{join(product.sizes)}～"
    if colour or size:
        label = "".join(x for x in (colour, size) if x)
        count = product.stock_of(colour, size)
        if count > 0:
            return f"亲，【{product.name}】{label}现在有货（库存{count}件），喜欢的话可以放心拍哦～"
        others = [f"{v.colour}{v.size}" for v in product.variants if v.stock > 0 and (v.colour == colour or v.size == size)]
        tail = f"，{join(others[:4])}还有货" if others else ""
        return f"亲，抱歉，【{product.name}】{label}暂时没货了{tail}。补货时间还没定，定了会第一时间上架哦～"
    in_stock = [v for v in product.variants if v.stock > 0]
    if not in_stock:
        return f"亲，抱歉，【{product.name}】目前全部售罄了，补货时间还没定哦～"
    sold_out = [f"{v.colour}{v.size}" for v in product.variants if v.stock == 0]
    text = f"亲，【{product.name}】现在有货的～"
    if sold_out:
        text += f"其中{join(sold_out)}暂时缺货，"
    return text + "您要什么颜色和尺码，我帮您看下具体库存～"
