"""导购 replies (bot/services/recommend.py): items with the facts that matched, an honest "没有"
with the nearest item and why, and two items side by side on facts only."""

from __future__ import annotations

from typing import List, Optional, Sequence

from bot.models import Product
from bot.replies.format import join, money
from bot.replies.products import STRETCH_WORDS, THICKNESS_WORDS
from bot.services.recommend import Ask, Criterion, Match, Recommendations, matching_colour, price_over


def _price_words(ask: Ask) -> str:
    if ask.price_about:
        return f"{money(ask.price_about)}左右"
    if ask.price_min is not None and ask.price_max is not None:
        return f"{money(ask.price_min)}到{money(ask.price_max)}"
    if ask.price_max is not None:
        return f"{money(ask.price_max)}以内"
    if ask.price_min is not None:
        return f"{money(ask.price_min)}以上"
    return ""


# The buyer's word for a kind of item, as a sentence says it.
_KIND = {"裙": "裙子", "裤": "裤子", "包": "包包", "t恤": "T恤", "帽": "帽子", "鞋": "鞋子", "袜": "袜子"}


def _kind(ask: Ask) -> str:
    return _KIND.get(ask.category or "", ask.category or "宝贝")


def _wanted(ask: Ask) -> str:
    """What was asked, as the buyer would say it: "100元以内的裙", "适合冬季、厚一点的"."""
    parts: List[str] = []
    if ask.price_min is not None or ask.price_max is not None:
        parts.append(_price_words(ask))
    if ask.recipient_tag:
        parts.append(f"适合{ask.recipient_tag}")
    elif ask.tags:
        parts.append(f"适合{join(ask.tags)}")
    if ask.thickness_at_least is not None:
        parts.append("厚一点")
    if ask.thickness_at_most is not None:
        parts.append("薄一点")
    if ask.stretch:
        parts.append("弹力大" if ask.stretch == "high" else "有弹力")
    if ask.breathable:
        parts.append("透气")
    if ask.material:
        parts.append(ask.material)
    if ask.colour:
        parts.append(ask.colour)
    if ask.size:
        parts.append(f"{ask.size}码有货")
    described = "、".join(parts)
    return f"{described}的{_kind(ask)}" if described else _kind(ask)


def _fact(product: Product, ask: Ask, criterion: Criterion) -> Optional[str]:
    material = product.material
    if criterion is Criterion.category:
        return product.category
    if criterion is Criterion.material:
        return f"{material.name}（{material.composition}）"
    if criterion is Criterion.tags:
        return f"适合{ask.recipient_tag}" if ask.recipient_tag in product.tags else f"适合{join(ask.tags)}"
    if criterion is Criterion.thickness:
        return THICKNESS_WORDS.get(material.thickness or "")
    if criterion is Criterion.stretch:
        return STRETCH_WORDS.get(material.stretch or "")
    if criterion is Criterion.breathable:
        return "透气性好"
    if criterion is Criterion.colour:
        colour = matching_colour(product, ask)
        return f"{colour}有货" if colour else None
    if criterion is Criterion.size:
        return f"{ask.size}码有货"
    return None  # price: always said beside the name


def _missed(product: Product, ask: Ask, criterion: Criterion) -> Optional[str]:
    material = product.material
    if criterion is Criterion.price:
        over = price_over(product, ask)
        side = "高" if ask.price_max is not None and product.price > ask.price_max else "低"
        return f"价格比您的预算（{_price_words(ask)}）{side}{money(over)}" if over else None
    if criterion is Criterion.category:
        return f"它是{product.category}，不是{_kind(ask)}"
    if criterion is Criterion.material:
        return f"面料是{material.name}（{material.composition}）"
    if criterion is Criterion.tags:
        return f"没有标注适合{join(t for t in ask.tags if t not in product.tags)}"
    if criterion is Criterion.thickness:
        return THICKNESS_WORDS.get(material.thickness or "", "厚度没有标注")
    if criterion is Criterion.stretch:
        return STRETCH_WORDS.get(material.stretch or "", "弹力没有标注")
    if criterion is Criterion.breathable:
        return "透气性一般"
    if criterion is Criterion.colour:
        return f"没有{ask.colour}"
    if criterion is Criterion.size:
        return f"{ask.size}码暂时没货"
    return None


def _line(match: Match, ask: Ask) -> str:
    product = match.product
    facts = [f for f in (_fact(product, ask, c) for c in match.met) if f and f != product.category]
    tail = f"，{join(facts)}" if facts else ""
    return f"【{product.name}】{money(product.price)}{tail}"


def recommendations(found: Recommendations, all_categories: Sequence[str]) -> str:
    ask = found.ask
    if found.items:
        lines = "；".join(_line(m, ask) for m in found.items)
        return f"亲，{_wanted(ask)}给您挑了这几款，都有现货哦：{lines}。喜欢哪款可以跟我说，帮您看尺码和颜色～"
    if found.nearest is None:
        kinds = join(all_categories)
        return f"亲，店里暂时没有{_wanted(ask)}哦，抱歉～目前店里有{kinds}这几类，您看看有没有想要的？"
    near = found.nearest
    why = [f for f in (_fact(near.product, ask, c) for c in near.met) if f and f != near.product.category]
    if Criterion.price in near.missed:
        kind = near.product.category if Criterion.category in near.met else "符合其他要求的宝贝"
        why.append(f"是店里{kind}中价格离您的预算最近的")
    else:
        why.append("是店里最接近您要求的")
    because = f"（{join(why)}）"
    unlike = [f for f in (_missed(near.product, ask, c) for c in near.missed) if f]
    but = f"，只是{join(unlike)}" if unlike else ""
    return (
        f"亲，店里暂时没有{_wanted(ask)}哦，抱歉～最接近的是【{near.product.name}】{money(near.product.price)}"
        f"{because}{but}，您看看合不合适？"
    )


def ask_what_kind() -> str:
    return "亲，想给您挑得准一点～您想要什么类型的宝贝呢？比如裙子、裤子、卫衣，预算大概多少、什么季节穿或者送谁，告诉我就能帮您推荐哦～"


def ask_which_two() -> str:
    return "亲，您想对比的是哪两款呀？把两款的宝贝链接或名称发给我，我帮您把价格、面料、厚薄和库存列出来～"


def _facts(product: Product, size: Optional[str]) -> str:
    material = product.material
    parts = [money(product.price), f"{material.name}（{material.composition}）"]
    if material.thickness in THICKNESS_WORDS:
        parts.append(THICKNESS_WORDS[str(material.thickness)])
    if material.stretch in STRETCH_WORDS:
        parts.append(STRETCH_WORDS[str(material.stretch)])
    if size and size in product.sizes:
        count = product.stock_of(None, size)
        parts.append(f"{size}码有货" if count > 0 else f"{size}码暂时没货")
    else:
        parts.append("有现货" if product.stock_of() > 0 else "暂时售罄")
    return "，".join(parts)


def comparison(first: Product, second: Product, size: Optional[str]) -> str:
    """Facts side by side and the price difference; the choice stays the buyer's."""
    text = f"亲，两款帮您对比一下：\n【{first.name}】{_facts(first, size)}；\n【{second.name}】{_facts(second, size)}。"
    if first.price != second.price:
        cheaper, dearer = sorted((first, second), key=lambda p: p.price)
        text += f"\n价格上【{cheaper.name}】便宜{money(dearer.price - cheaper.price)}。"
    return text + "看您更看重哪一点，有想了解的我再帮您看～"
