"""导购: whether a message asks the shop to recommend items, what it asks for, and which
catalogue items match. Pure keyword rules on the buyer's words (like bot/services/evidence.py):
the classifier reads these messages as product or stock questions, so the words decide.

Decisions (documented because they are judgement calls):
- "这件有厚一点的吗" asks about a version of the item in view (这件/这款… directly followed by 有):
  a variant question, answered by the item's own facts, never a recommendation. "这件太薄了
  有没有厚一点的" turns away from the item, so it is one.
- A colour or a size alone ("有黑色的吗") is a stock question about the item in view.
- "适合冬天穿吗" asks about the item; "适合冬天穿的" / "有适合冬天穿的吗" asks for items.
- Thickness, stretch, season and warmth are asked of clothes: only items with a size chart.
- "有没有便宜点的" stays a bargain; "有没有小礼物" stays a freebie question.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Dict, List, Optional, Sequence, Tuple

from bot.models import Model, Product
from bot.nlu.numbers import parse_number
from bot.services.products import colour_family

# Words buyers use for kinds of items; matched against an item's category and name. Words no
# item has ("羽绒服") still count: the honest answer is that the shop has none.
_CATEGORY_WORDS = (
    "连衣裙",
    "半身裙",
    "裙",
    "牛仔裤",
    "阔腿裤",
    "运动裤",
    "裤",
    "t恤",
    "短袖",
    "长袖",
    "衬衫",
    "卫衣",
    "内衣",
    "双肩包",
    "斜挎包",
    "包",
    "风扇",
    "外套",
    "毛衣",
    "羽绒服",
    "大衣",
    "棉服",
    "鞋",
    "帽",
    "围巾",
    "袜",
    "睡衣",
)
# 包 in 包邮/包装/包退, 10包 (a count) and 邮政小包 (a parcel) is not a bag.
_NOT_A_BAG = re.compile(r"包(?=邮|装|退|换|括|含|裹|运费)|[面红\d一二两三四五六七八九十几多每]包|邮政小包")
# Materials as buyers say them -> what the material's name or composition must contain.
_MATERIALS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("纯棉", ("纯棉", "100%棉")),
    ("棉麻", ("棉麻",)),
    ("亚麻", ("亚麻",)),
    ("雪纺", ("雪纺",)),
    ("牛仔", ("牛仔",)),
    ("真皮", ("牛皮", "真皮", "羊皮")),
    ("针织", ("针织",)),
    ("德绒", ("德绒",)),
    ("羊毛", ("羊毛",)),
    ("帆布", ("帆布",)),
    ("真丝", ("真丝", "桑蚕丝")),
    ("棉", ("棉",)),
)
# Buyer words -> the shop file's tag they mean. Gifts only as "送X的" or 送礼: "有没有小礼物" asks for
# a freebie and "送人的话有包装吗" for wrapping.
_TAG_WORDS: Dict[str, re.Pattern] = {
    "冬季": re.compile(r"冬天|冬季|冬装|过冬|天冷|怕冷|秋冬"),
    "夏季": re.compile(r"夏天|夏季|夏装|天热|怕热"),
    "春秋": re.compile(r"春秋|春天|秋天|春季|秋季"),
    "保暖": re.compile(r"保暖|暖和|御寒"),
    "送礼": re.compile(r"送礼|送(给)?(我)?(妈妈|妈|爸爸|爸|老公|老婆|男朋友|女朋友|男友|女友|长辈|朋友|闺蜜|老人|人)的(?!话)"),
    "宽松": re.compile(r"宽松|oversize|遮肉"),
    "通勤": re.compile(r"通勤|上班穿"),
}


def _names_tag(text: str, tag: str) -> bool:
    """A shop's own tag asked for as a kind of item ("学生的", "适合通勤", "运动穿的"), not a word
    in passing ("我是学生 有没有优惠")."""
    tag = re.escape(tag.lower())
    return bool(re.search(rf"{tag}(穿|用|背|款)?的|适合{tag}", text))


_THICK = re.compile(r"厚(一)?(点|些)|加厚|厚实|厚的|厚款")
_THIN = re.compile(r"薄(一)?(点|些)|轻薄|薄的|薄款")
_MORE = re.compile(r"(厚|薄)(一)?(点|些)")
_HIGH_STRETCH = re.compile(r"弹(力|性)(大|好|足|强)|(很|超|特别)有弹")
_SOME_STRETCH = re.compile(r"有弹(力|性)?|弹力的|弹性的")
_BREATHABLE = re.compile(r"透气")
_MALE = re.compile(r"男(朋友|友|士|生|款|的|人)|老公|爸|父亲|儿子")
_FEMALE = re.compile(r"女(朋友|友|士|生|款|的|人)|老婆|妈|母亲|女儿|闺蜜")

_NUMBER = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+)"
_UP_TO = re.compile(rf"{_NUMBER}\s*(?:块钱|块|元|rmb)?\s*(?:以内|以下|之内|内)|(?:不超过|不到|低于){_NUMBER}")
_ABOUT = re.compile(rf"{_NUMBER}\s*(?:块钱|块|元)?\s*(?:左右|上下)")
_FROM = re.compile(rf"{_NUMBER}\s*(?:块钱|块|元)?\s*以上")
_BETWEEN = re.compile(rf"{_NUMBER}\s*(?:-|~|到|至)\s*{_NUMBER}\s*(?:块钱|块|元)")

# The words of a request: asking for items, not about one.
_REQUEST = re.compile(
    r"推荐|推介|介绍几|哪款好|哪个好|哪件好|选哪|买(什么|啥)(好|合适)|挑(一|几)?(件|款|个)|有没有|有什么|有啥|"
    r"有.{0,12}的.{0,6}(吗|么|嘛|没|不)|想(买|要|找|入)|求|适合.{0,8}的|送.{1,4}的|(以内|以下|左右|以上)的"
)
# "买什么什么降价" complains of prices: only "买什么好" asks what to buy.
_EXPLICIT = re.compile(r"推荐|推介|买(什么|啥)(好|合适)|挑(一|几)?(件|款|个)")
# "这件有厚一点的吗": a version of the item in view.
_THIS_ITEM = re.compile(r"这(件|款|个|条|套|种|只)(还)?有")
_COMPARE = re.compile(r"((这|那)(两|俩)|(两|俩|2)(件|款|个|条|套|只|种)).{0,6}(哪|区别|比较|对比|差别|不同)")
ABOUT_MARGIN = 0.2  # "200左右" is 160-240


class Criterion(str, Enum):
    category = "category"
    material = "material"
    tags = "tags"
    thickness = "thickness"
    stretch = "stretch"
    breathable = "breathable"
    price = "price"
    colour = "colour"
    size = "size"


class Ask(Model):
    """What the buyer asked for, read from their words (and the size the chat already knows)."""

    category: Optional[str] = None  # the buyer's word (裙, 羽绒服)
    material: Optional[str] = None
    tags: List[str] = []
    recipient_tag: Optional[str] = None  # 送妈妈: preferred among gifts, not required
    thickness_at_least: Optional[int] = None  # 0 thin, 1 medium, 2 thick
    thickness_at_most: Optional[int] = None
    stretch: Optional[str] = None  # "high" or "some"
    breathable: bool = False
    price_min: Optional[float] = None
    price_max: Optional[float] = None
    price_about: Optional[float] = None
    colour: Optional[str] = None
    size: Optional[str] = None
    gender: Optional[str] = None  # 男/女, from who it is for

    def criteria(self) -> List[Criterion]:
        present = {
            Criterion.category: self.category is not None,
            Criterion.material: self.material is not None,
            Criterion.tags: bool(self.tags),
            Criterion.thickness: self.thickness_at_least is not None or self.thickness_at_most is not None,
            Criterion.stretch: self.stretch is not None,
            Criterion.breathable: self.breathable,
            Criterion.price: self.price_min is not None or self.price_max is not None,
            Criterion.colour: self.colour is not None,
            Criterion.size: self.size is not None,
        }
        return [c for c, here in present.items() if here]

    def is_about_wear(self) -> bool:
        return (
            self.thickness_at_least is not None
            or self.thickness_at_most is not None
            or bool(self.stretch or set(self.tags) & {"冬季", "夏季", "春秋", "保暖"})
        )


class Match(Model):
    product: Product
    met: List[Criterion]
    missed: List[Criterion] = []


class Recommendations(Model):
    ask: Ask
    items: List[Match]  # every asked criterion met, in stock
    nearest: Optional[Match] = None  # when none is: the item meeting the most of them


_THICKNESS_RANK = {"thin": 0, "medium": 1, "thick": 2}


def _price_ask(text: str) -> Tuple[Optional[float], Optional[float], Optional[float]]:
    def number(*groups: Optional[str]) -> Optional[float]:
        return next((parse_number(g) for g in groups if g), None)

    between = _BETWEEN.search(text)
    if between:
        low, high = number(between.group(1)), number(between.group(2))
        if low is not None and high is not None:
            return min(low, high), max(low, high), None
    about = _ABOUT.search(text)
    if about:
        centre = number(about.group(1))
        if centre:
            return centre * (1 - ABOUT_MARGIN), centre * (1 + ABOUT_MARGIN), centre
    up_to = _UP_TO.search(text)
    if up_to:
        return None, number(up_to.group(1), up_to.group(2)), None
    above = _FROM.search(text)
    if above:
        return number(above.group(1)), None, None
    return None, None, None


def read_ask(
    text: str,
    catalogue_tags: Sequence[str] = (),
    colour: Optional[str] = None,
    size: Optional[str] = None,
    viewed: Optional[Product] = None,
) -> Ask:
    """The attributes a message names. `colour`/`size`: what the chat's entities and slots say."""
    text = text.lower()
    bagless = _NOT_A_BAG.sub("", text)
    category = next((w for w in _CATEGORY_WORDS if w in bagless), None)
    material = next((word for word, _ in _MATERIALS if word in text), None)
    tags = [tag for tag, words in _TAG_WORDS.items() if words.search(text)]
    tags += [t for t in catalogue_tags if t not in tags and not t.startswith("送") and _names_tag(text, t)]
    recipient = next((t for t in catalogue_tags if t.startswith("送") and t in text), None) if "送礼" in tags else None
    at_least = at_most = None
    # "厚一点" beside an item: thicker than it; else simply a thick (thin) one.
    own = _THICKNESS_RANK.get(viewed.material.thickness or "") if viewed is not None else None
    relative = own is not None and bool(_MORE.search(text))
    if _THICK.search(text):
        at_least = own + 1 if relative and own is not None else 2
    elif _THIN.search(text):
        at_most = own - 1 if relative and own is not None else 0
    stretch = "high" if _HIGH_STRETCH.search(text) else "some" if _SOME_STRETCH.search(text) else None
    price_min, price_max, about = _price_ask(text)
    gender = "男" if _MALE.search(text) else "女" if _FEMALE.search(text) else None
    return Ask(
        category=category,
        material=material,
        tags=tags,
        recipient_tag=recipient,
        thickness_at_least=at_least,
        thickness_at_most=at_most,
        stretch=stretch,
        breathable=bool(_BREATHABLE.search(text)),
        price_min=price_min,
        price_max=price_max,
        price_about=about,
        colour=colour,
        size=size,
        gender=gender,
    )


def asks_for_recommendation(text: str, ask: Ask, viewed: Optional[Product] = None) -> bool:
    """The words ask the shop for items (not about the item in view), naming something the
    catalogue can be matched on beyond a colour or a size. "有黑色的卫衣吗" on the hoodie's page
    asks for the item in view in black: a stock question."""
    text = text.lower()
    if not _REQUEST.search(text) or _THIS_ITEM.search(text):
        return False
    named = set(ask.criteria()) - {Criterion.colour, Criterion.size}
    if named == {Criterion.category} and viewed is not None and _meets(viewed, ask, Criterion.category):
        return False
    return bool(named)


_ADD_ONS = re.compile(r"凑(个|一)?单|凑(个|点)?包邮|凑够")


def asks_for_add_ons(text: str) -> bool:
    """ "凑单推荐一下", "帮我凑个包邮": items that close the gap to free shipping."""
    return bool(_ADD_ONS.search(text))


def asks_to_compare(text: str) -> bool:
    """ "这两件哪个好", "两款有什么区别": a comparison of two items."""
    return bool(_COMPARE.search(text.lower()))


def asks_vaguely(text: str, ask: Ask) -> bool:
    """ "有什么推荐的吗": a recommendation asked for with nothing to match on."""
    return bool(_EXPLICIT.search(text.lower())) and not ask.criteria()


def _sells_to(product: Product, gender: Optional[str]) -> bool:
    other = {"男": "女款", "女": "男款"}.get(gender or "")
    return not other or (other not in product.name and other not in product.tags)


def _meets(product: Product, ask: Ask, criterion: Criterion) -> bool:
    material = product.material
    if criterion is Criterion.category:
        return bool(ask.category) and str(ask.category) in f"{product.category}{product.name}".lower()
    if criterion is Criterion.material:
        needles = dict(_MATERIALS).get(ask.material or "", ())
        return any(n in f"{material.name}{material.composition}" for n in needles)
    if criterion is Criterion.tags:
        return set(ask.tags) <= set(product.tags)
    if criterion is Criterion.thickness:
        rank = _THICKNESS_RANK.get(material.thickness or "")
        if rank is None:
            return False
        return (ask.thickness_at_least is None or rank >= ask.thickness_at_least) and (
            ask.thickness_at_most is None or rank <= ask.thickness_at_most
        )
    if criterion is Criterion.stretch:
        return material.stretch == "high" if ask.stretch == "high" else material.stretch in ("slight", "high")
    if criterion is Criterion.breathable:
        return material.breathable is True
    if criterion is Criterion.price:
        return (ask.price_min is None or product.price >= ask.price_min) and (
            ask.price_max is None or product.price <= ask.price_max
        )
    if criterion is Criterion.colour:
        return matching_colour(product, ask) is not None
    if criterion is Criterion.size:
        return _in_stock(product, ask)
    return False


def matching_colour(product: Product, ask: Ask) -> Optional[str]:
    """The item's in-stock colour of the family asked for (蓝 finds 雾霾蓝色)."""
    if not ask.colour:
        return None
    family = colour_family(ask.colour)
    size = ask.size if ask.size in product.sizes else None
    return next((c for c in product.colours if colour_family(c) == family and product.stock_of(c, size) > 0), None)


def _in_stock(product: Product, ask: Ask) -> bool:
    """In stock, in the buyer's size where the item comes in sizes (a bag has none)."""
    if ask.size and ask.size in product.sizes:
        return product.stock_of(None, ask.size) > 0
    if ask.size and product.size_chart:
        return False  # clothes without the buyer's size
    return product.stock_of() > 0


def recommend(
    products: Sequence[Product],
    ask: Ask,
    viewed: Optional[Product] = None,
    region: Optional[str] = None,
    limit: int = 3,
) -> Recommendations:
    """Up to `limit` in-stock items meeting every asked criterion: the viewed item's category
    first, then a recipient's own tag, then the nearest price to "N左右". With none, the item
    meeting the most criteria (the named kind of item weighing most, then the nearest price)."""
    criteria = ask.criteria()
    pool = [
        p
        for p in products
        if (viewed is None or p.sku != viewed.sku)
        and p.stock_of() > 0
        and _sells_to(p, ask.gender)
        and not (region and region in p.restricted_regions)
        and (p.size_chart or not ask.is_about_wear())
    ]
    scored: List[Match] = []
    for product in pool:
        met = [c for c in criteria if _meets(product, ask, c)]
        if Criterion.size not in criteria and not _in_stock(product, ask):
            continue
        scored.append(Match(product=product, met=met, missed=[c for c in criteria if c not in met]))

    # Beside a 女款 item, a 男款 one comes last (and the other way round).
    other_cut = {"女款": "男款", "男款": "女款"}.get(next((w for w in ("女款", "男款") if viewed and w in viewed.name), ""))

    def order(match: Match) -> Tuple:
        p = match.product
        return (
            viewed is None or p.category != viewed.category,
            bool(other_cut) and str(other_cut) in p.name,
            ask.recipient_tag not in p.tags if ask.recipient_tag else False,
            abs(p.price - ask.price_about) if ask.price_about else 0,
            p.price,
            p.sku,
        )

    full = sorted((m for m in scored if not m.missed), key=order)
    if full:
        return Recommendations(ask=ask, items=full[:limit])
    near = [m for m in scored if m.met]
    if not near:
        return Recommendations(ask=ask, items=[])

    def closeness(match: Match) -> Tuple:
        p = match.product
        price_gap = 0.0
        if Criterion.price in match.missed:
            price_gap = max((ask.price_min or p.price) - p.price, p.price - (ask.price_max or p.price))
        return (-(len(match.met) + (Criterion.category in match.met)), price_gap, order(match))

    return Recommendations(ask=ask, items=[], nearest=min(near, key=closeness))


def price_over(product: Product, ask: Ask) -> float:
    """How far the item's price is outside the asked range (0 inside it)."""
    if ask.price_max is not None and product.price > ask.price_max:
        return round(product.price - ask.price_max, 2)
    if ask.price_min is not None and product.price < ask.price_min:
        return round(ask.price_min - product.price, 2)
    return 0.0
