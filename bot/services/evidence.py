"""Whether a buyer's words are evidence enough to act on: pure keyword rules on normalised text.

The classifier picks the nearest topic; before anything is recorded for the shop (a quality
complaint, an address change, a return, a cancellation) the words themselves must ask for it.
Without that evidence the assistant asks back instead of acting: a wrong record costs the shop
more than one more question.
"""

from __future__ import annotations

import re
from typing import Iterable

from bot.services.complaints import default_reasons

# Words that name a problem with a received item, beyond the complaint-reason lexicon.
_PROBLEM_WORDS = (
    "质量问题",
    "质量差",
    "质量不好",
    "质量太差",
    "有问题",
    "出问题",
    "坏了",
    "坏的",
    "烂",
    "破",
    "不能用",
    "用不了",
    "不好用",
    "没法用",
    "瑕疵",
    "脏",
    "污渍",
    "缩水",
    "变形",
    "断了",
    "掉了",
    "少发",
    "漏发",
    "发错",
    "少了",
    "没收到",
    "假货",
    "次品",
    "残次",
    "不合格",
    "毛病",
    "故障",
)
# Something does not work ("触控不灵", "根本煮不熟", "没反应").
_MALFUNCTION = re.compile(
    r"不(灵|亮|转|响|动|热|熟|制冷|工作|好使|正常|出水|充电)|没反应|没有反应|漏水|漏电|掉电|死机|卡顿|异响|"
    r"发烫|开不了|打不开|开不开|连不上|充不进"
)
# Praise and contentment ("收到了 质量不错"): never a complaint.
_PRAISE = re.compile(r"(?<!不)(不错|很好|挺好|好看|喜欢|满意|舒服|合身|漂亮|赞|棒|好评|质量好|质量可以|很值)")
_NEGATED_PRAISE = re.compile(r"(不太?|没那么|一点都不|并不)(好|满意|喜欢|舒服|合身|好看|值)")


def _has_any(text: str, words: Iterable[str]) -> bool:
    return any(word and word in text for word in words)


def names_a_problem(text: str) -> bool:
    """The words name something wrong with an item (a reason of the lexicon, or a plain
    '有问题'/'坏了'), so a quality complaint may be recorded."""
    if _has_any(text, _PROBLEM_WORDS) or _NEGATED_PRAISE.search(text) or _MALFUNCTION.search(text):
        return True
    return any(_has_any(text, words) for reason, words in default_reasons())


def is_praise(text: str) -> bool:
    return bool(_PRAISE.search(text)) and not names_a_problem(text)


_ADDRESS_CHANGE = re.compile(
    r"(改|换|修改|更改|变更|更换|填错|写错|弄错|选错|错了).{0,4}(地址|收货人|收件人|电话|手机|号码)"
    r"|(地址|收货人|收件人|电话|手机号).{0,6}(改|换|错|不对)"
)
_ACCOUNT = ("账户", "账号", "帐号", "帐户", "会员", "绑定", "登录")
_NOT_OURS = ("回寄", "寄回", "退货地址", "寄到哪", "寄哪", "发票")


def asks_address_change(text: str) -> bool:
    """The buyer asks to change an order's address, phone or recipient (not their account's
    phone, not the shop's return address, not an invoice's details)."""
    if _has_any(text, _ACCOUNT) or _has_any(text, _NOT_OURS):
        return False
    return bool(_ADDRESS_CHANGE.search(text))


# 退/换 of an item; not 退订 (opt-out), 退差价 (price protection), and not 换 of an address,
# a courier, an invoice or a phone number.
_RETURN = re.compile(
    r"退(?!订|差价|差|钱给我差)|换(?!地址|个地址|收货|快递|物流|票|发票|开|电话|手机|号|人|成\d|其他|别的|别家|品牌)|售后|无理由|不要了"
)
_NO_RETURN = re.compile(r"(不|不用|不想|不要|没必要|就不)(退|换)|不换了|不退了")
_CANCEL = ("取消", "撤销", "撤回", "不想要了", "不要了", "拍错")
_NO_CANCEL = re.compile(r"(不|不用|不要|别|没)(取消|撤销)|恢复|还要|还是要")


def asks_return(text: str) -> bool:
    """A return, exchange or refund is asked for, and not declined ("要好了就不换了")."""
    return bool(_RETURN.search(text)) and not _NO_RETURN.search(text)


def asks_cancel(text: str) -> bool:
    """The buyer asks to cancel an order, and not to keep or restore one."""
    return _has_any(text, _CANCEL) and not _NO_CANCEL.search(text)


_SHIPPED = re.compile(r"已经发货|已发货|发货了|已经发了|已经发出|拒收|在路上|寄出了|发出了")


def mentions_shipped(text: str) -> bool:
    """The buyer speaks of a parcel already on its way ("已经发货了 能拒收吗")."""
    return bool(_SHIPPED.search(text))


# Where, when or how to deliver: an instruction for the order's 备注, not a question.
_DELIVERY_INSTRUCTION = re.compile(
    r"代收|代签|"
    r"放(在)?(前台|门口|门卫|传达室|物业|驿站|快递柜|丰巢|菜鸟|收发室|保安)|"
    r"(送到|送去|派送到|寄到)(公司|单位|家里|我家|门口)|"
    r"(推迟|延后|晚点|晚些|改天|过几天|明天|后天|周末|下周|星期[一二三四五六天日]|周[一二三四五六日])(再)?(送|派送|配送|发货|发)|"
    r"(送货前|派送前|送之前|到了)(先)?(打电话|联系|电话)|不要(打电话|敲门)|正常送"
)


# "是周五发货吧 到南京要多久" asks; an instruction tells.
_QUESTION = re.compile(r"[?？]|吗|多久|几天|几点|什么时候|啥时候|是不是|能不能|可不可以|会不会")


def gives_delivery_instruction(text: str) -> bool:
    """The buyer tells how, where or when the parcel should come ("放前台就行", "周末再送"),
    rather than asking about it."""
    return bool(_DELIVERY_INSTRUCTION.search(text)) and not _QUESTION.search(text)


_HUMAN = re.compile(r"人工|真人|转人|客服主管|活人")


def asks_for_a_person(text: str) -> bool:
    return bool(_HUMAN.search(text))


# Any question at all: a question mark, a particle or a question word ("到了吗", "几点能到").
# Broader than _QUESTION above, which only tells a delivery instruction from a question about it.
_ANY_QUESTION = re.compile(r"[?？]|[吗嘛呢]|(?<![这那多])么|几|多久|多少|什么|啥|哪|怎么|能不能|是不是|有没有|可不可以|会不会")


_ARRIVED = re.compile(r"(已经|已)?(到了|收到了|签收了|已签收|拿到了|取到了)")


def reports_arrival(text: str) -> bool:
    """The buyer tells us the parcel came ("好了 到了"), asking nothing and naming no problem."""
    return bool(_ARRIVED.search(text)) and not asks_a_question(text) and not names_a_problem(text)


# The buyer says what they will do or have done ("那我明天上午来一趟吧", "我去微信看一下",
# "我提交了"): news for us to acknowledge, not a question or a request.
_OWN_PLAN = re.compile(
    r"^(那|好|嗯|行|等|哦)?[，,。.\s]*我(今天|明天|后天|上午|下午|晚上|晚点|回头|过几天|周末){0,2}"
    r"(就|先|再|去|等|来|自己|已经|已|还是)"
)
_REQUEST = re.compile(r"帮我|给我|请|麻烦|能不能|可不可以|要求|必须|退|换|取消|人工")
# A guess the buyer wants confirmed ("那我明天可能收不到咯") is a question in all but form.
_SPECULATION = re.compile(r"可能|应该|估计|大概|也许|怕是")


_NOT_ORDERED = re.compile(r"(还)?(没|没有|未)(下单|拍|买|付款|付钱|支付)")


def says_not_ordered_yet(text: str) -> bool:
    """ "我还没有下单": there is no order to look up; news, not a question about one."""
    return bool(_NOT_ORDERED.search(text)) and not asks_a_question(text)


def is_plain_statement(text: str) -> bool:
    """Asks nothing, names no problem, requests nothing and guesses at nothing: news only."""
    return not (asks_a_question(text) or names_a_problem(text) or _REQUEST.search(text) or _SPECULATION.search(text))


def states_own_plan(text: str) -> bool:
    return bool(_OWN_PLAN.search(text.strip())) and is_plain_statement(text)


def asks_a_question(text: str) -> bool:
    """The words ask something ("物流时间长短和我没有关系" states; "快递几点能到" asks)."""
    return bool(_ANY_QUESTION.search(text))
