"""Buyer texts for the load benchmark: our own templates × slots × the colloquial variety of
../shared/design/intents.md (亲/親, Traditional characters, typos, emoji, no punctuation, Chinese
or Arabic numbers, heights, weights, measurements, order ids). Real buyers rarely type the same
sentence twice, so a cache keyed by text must not answer most of the benchmark: chats are drawn
until their texts are new, and both bots get the very same texts (chats are kept by number).
Never built from ../shared/eval/: a generic text that happens to be one of its lines (在吗, 好的)
is drawn again, as the corrections export skips them (tests/unit/test_bench_texts.py checks)."""

from __future__ import annotations

import random
from typing import Callable, Dict, FrozenSet, Iterable, List, Set

from bot.dialogue_eval.run import DEFAULT_SESSIONS
from bot.dialogue_eval.sessions import load_sessions
from bot.evaluation import REAL_BUYER_FILE, read_real_buyers

# Topics a buyer on an item page asks about; each template's {slots} are filled per message.
QUESTIONS: Dict[str, List[str]] = {
    "ask_size": [
        "身高{h}体重{w}穿什么码",
        "{h} {w} 穿多大的",
        "我{h}，{w}，选哪个码",
        "{h}{w}穿{size}可以吗",
        "{w}能穿{size}吗",
        "胸围{bust}穿几码",
        "腰围{waist}选什么尺码",
        "{h}的个子{w}偏胖穿哪个号",
        "给我老公买 {h} {w} 要多大",
        "尺码偏大还是偏小 我平时穿{size}",
        "{h}/{w} 推荐个尺码",
        # without both measurements: the size form asks for them and the next turn may not answer
        "{thing}我穿多大码合适",
        "{h}穿多大",
        "尺码怎么选",
        "{w}穿几码",
        "平时穿{size}这个选哪个码",
    ],
    "ask_free_shipping": [
        "{thing}包邮吗",
        "寄{region}包邮不",
        "{region}运费多少",
        "到{region}要加邮费吗",
        "满多少包邮",
        "邮费多少钱啊",
        "{region}也包邮吗",
        "买两件包邮不",
    ],
    "ask_courier": ["发什么快递", "默认走哪家快递", "能发顺丰吗", "{region}发什么快递到得快", "可以换京东吗 加钱也行"],
    "ask_shipping_time": [
        "什么时候发货",
        "今天拍明天能发吗",
        "几天能到{region}",
        "寄{region}要几天",
        "付了款还没发吗",
        "下午{hour}点前拍今天发吗",
        "订单{oid}怎么还没发货",
        "麻烦快点发 急穿",
    ],
    "ask_order_status": ["订单{oid}到哪了", "我的快递到哪了 单号{oid}", "{oid}显示签收了但我没收到", "查下物流 {oid}"],
    "ask_product_info": [
        "{thing}是纯棉的吗",
        "{thing}什么面料",
        "{colour}会透吗",
        "{thing}起球吗",
        "{thing}厚不厚",
        "洗了会缩水吗",
        "{colour}和图片色差大吗",
        "{thing}掉色吗",
    ],
    "ask_stock": ["{colour}{size}有货吗", "{size}还有吗", "{colour}什么时候补货", "{thing}{colour}还有没有", "现货吗 {size}"],
    "bargain": ["能便宜点吗", "{thing}能优惠吗", "买{n}件能便宜吗", "有优惠券吗", "老顾客有折扣吗", "再少{n}块呗"],
    "ask_gift": ["送小礼物吗", "有赠品吗", "买{n}件送点啥吗"],
    "return_exchange": ["{size}不合适能换{size2}吗", "订单{oid}想退货", "能七天无理由吗", "{oid}我想换个{colour}"],
    "change_address": ["订单{oid}地址填错了", "{oid}能改下收件电话吗", "地址写错了 改成{region}的"],
}
OPENERS = ["在吗", "你好", "在不在", "有人吗", "掌柜的在吗", "hi", "在线不", "客服在吗", "哈喽"]
CLOSERS = ["好的谢谢", "谢谢", "好的", "那先这样", "行 我考虑下", "OK了", "好嘞", "明白了", "拜拜", "知道了 谢谢啦", "那我拍了"]

THINGS = ["这件", "这款", "这个", "这条裤子", "这件外套", "那个卫衣", "这件T恤", "链接里这件", "这衬衫", "这个毛衣"]
COLOURS = ["黑色", "白色", "杏色", "藏青", "灰色", "卡其色", "浅蓝", "酒红", "米白", "墨绿"]
SIZES = ["S", "M", "L", "XL", "2XL", "XXL", "3XL", "加大码", "均码", "m", "xl"]
REGIONS = ["新疆", "西藏", "云南", "上海", "广东", "黑龙江", "内蒙古", "海南", "甘肃", "北京", "成都", "杭州", "青海", "宁夏"]

DIGITS = "零一二三四五六七八九"
# A few characters buyers type in Traditional (shops get both), and typos of the pinyin keyboard.
TRADITIONAL = {
    "这": "這",
    "么": "麼",
    "吗": "嗎",
    "码": "碼",
    "发": "發",
    "货": "貨",
    "邮": "郵",
    "优": "優",
    "颜": "顏",
    "还": "還",
    "没": "沒",
    "个": "個",
    "时": "時",
    "递": "遞",
    "运": "運",
    "费": "費",
    "买": "買",
    "谢": "謝",
    "亲": "親",
    "单": "單",
    "订": "訂",
    "换": "換",
    "质": "質",
    "现": "現",
    "长": "長",
    "裤": "褲",
    "适": "適",
    "问": "問",
    "样": "樣",
    "几": "幾",
    "号": "號",
    "们": "們",
    "会": "會",
    "补": "補",
    "觉": "覺",
    "厚": "厚",
    "红": "紅",
    "绿": "綠",
    "蓝": "藍",
    "灰": "灰",
    "黑": "黑",
    "门": "門",
    "钱": "錢",
    "边": "邊",
    "赠": "贈",
}
TYPOS = {
    "包邮": "包油",
    "什么": "神马",
    "尺码": "尺吗",
    "发货": "发或",
    "优惠": "有惠",
    "快递": "快地",
    "怎么": "咋",
    "可以": "可已",
    "颜色": "眼色",
    "便宜": "便意",
    "退货": "退或",
    "谢谢": "xiexie",
    "好的": "好滴",
    "多少": "多少呀",
}
PREFIXES = ["", "", "", "亲 ", "亲，", "親 ", "请问", "那个 ", "掌柜 ", "问下 ", "亲亲 "]
SUFFIXES = ["", "", "", "?", "？", "呀", "啊", "哈", "～", "~", " 😊", "🙏", "😂", "[微笑]", "!!", "。", "呢", "哦"]


def chinese_number(n: int) -> str:
    """1-199 the way buyers write it (一百一十, 六十五)."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = "一百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (DIGITS[ones] if ones else "")


def height(rng: random.Random) -> str:
    cm = rng.randint(148, 192)
    metres, rest = divmod(cm, 100)
    return rng.choice(
        [
            f"{cm}",
            f"{cm}cm",
            f"{cm}CM",
            f"身高{cm}",
            f"1.{rest:02d}",
            f"1米{rest:02d}",
            f"一米{DIGITS[rest // 10]}{DIGITS[rest % 10] if rest % 10 else ''}",
        ]
    )


def weight(rng: random.Random) -> str:
    jin = rng.randint(80, 200)
    return rng.choice(
        [f"{jin}斤", f"{jin // 2}kg", f"{jin // 2}公斤", f"{chinese_number(jin)}斤", f"{jin}斤左右", f"{jin // 2}KG"]
    )


def order_id(rng: random.Random) -> str:
    return f"26{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999999):06d}"


SLOTS: Dict[str, Callable[[random.Random], str]] = {
    "h": height,
    "w": weight,
    "size": lambda r: r.choice(SIZES),
    "size2": lambda r: r.choice(SIZES),
    "colour": lambda r: r.choice(COLOURS),
    "thing": lambda r: r.choice(THINGS),
    "region": lambda r: r.choice(REGIONS),
    "oid": order_id,
    "n": lambda r: str(r.randint(2, 5)),
    "hour": lambda r: str(r.randint(2, 6)),
    "bust": lambda r: r.choice([f"{r.randint(78, 110)}", f"{r.randint(78, 110)}cm"]),
    "waist": lambda r: r.choice([f"{r.randint(60, 96)}", f"{chinese_number(r.randint(2, 3))}尺{r.randint(1, 9)}"]),
}


def fill(template: str, rng: random.Random) -> str:
    return template.format(**{name: make(rng) for name, make in SLOTS.items() if "{" + name + "}" in template})


def vary(text: str, rng: random.Random) -> str:
    """The colloquial variety: a typo, Traditional characters, 亲, emoji, punctuation or none."""
    if rng.random() < 0.25:
        typos = [wrong for wrong in TYPOS if wrong in text]
        if typos:
            right = rng.choice(typos)
            text = text.replace(right, TYPOS[right], 1)
    text = rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)
    if rng.random() < 0.15:
        text = "".join(TRADITIONAL.get(ch, ch) for ch in text)
    if rng.random() < 0.2:
        text = text.replace(" ", "")
    return text


TURNS_PER_CHAT = 8


def evaluation_texts() -> FrozenSet[str]:
    """Every buyer line of ../shared/eval (empty when it is not beside the project)."""
    texts = {text for text, _ in read_real_buyers()} if REAL_BUYER_FILE.exists() else set()
    if DEFAULT_SESSIONS.exists():
        texts |= {turn.buyer.strip() for session in load_sessions(DEFAULT_SESSIONS) for turn in session.turns}
    return frozenset(texts)


class BuyerTexts:
    """Chats of TURNS_PER_CHAT texts, kept by chat number so both bots get the same ones; a text
    already handed out is drawn again (a few tries) so that repeats stay rare, as they are."""

    def __init__(self, seed: int = 20, avoid: Iterable[str] = ()) -> None:
        self.seed = seed
        self._chats: Dict[int, List[str]] = {}
        self._seen: Set[str] = set()
        self._avoid = frozenset(avoid)

    def chat(self, number: int) -> List[str]:
        if number not in self._chats:
            rng = random.Random(f"{self.seed}-{number}")
            topics = rng.sample(sorted(QUESTIONS), TURNS_PER_CHAT - 2)
            kinds = [OPENERS if rng.random() < 0.6 else None, *(QUESTIONS[t] for t in topics), CLOSERS]
            texts = []
            for templates in kinds:
                templates = templates or QUESTIONS[rng.choice(sorted(QUESTIONS))]
                for attempt in range(50):
                    text = vary(fill(rng.choice(templates), rng), rng)
                    if text.strip() not in self._avoid and (text not in self._seen or attempt >= 8):
                        break
                if text.strip() in self._avoid:  # 50 draws all generic: make it our own
                    text += " 麻烦看下"
                self._seen.add(text)
                texts.append(text)
            self._chats[number] = texts
        return self._chats[number]

    def turn(self, number: int, turn: int) -> str:
        return self.chat(number)[turn % TURNS_PER_CHAT]


def distinct_share(texts: List[str]) -> float:
    return len(set(texts)) / len(texts) if texts else 1.0
