"""Messages that only acknowledge, thank, praise or close ("嗯 我看看", "好的 谢谢", "收到了 质量不错"):
read as a whole by splitting them into known short phrases, so that a longer message with a
question in it never counts."""

from __future__ import annotations

import re
from enum import Enum
from typing import Optional, Tuple

from bot.services.questions import clauses


class Acknowledgement(str, Enum):
    ack = "ack"  # 好的, 嗯, 我看看, 到了
    thanks = "thanks"
    praise = "praise"  # 质量不错, 很喜欢
    closing = "closing"  # 没事了, 没有了, 再见


_PHRASES: Tuple[Tuple[Acknowledgement, Tuple[str, ...]], ...] = (
    (
        Acknowledgement.thanks,
        ("谢谢", "多谢", "感谢", "谢了", "谢啦", "thx", "thanks", "3q", "辛苦了", "辛苦", "麻烦了", "麻烦你了"),
    ),
    (
        Acknowledgement.praise,
        (
            "质量不错",
            "质量很好",
            "质量挺好",
            "质量可以",
            "挺好的",
            "很好",
            "不错",
            "挺好",
            "很喜欢",
            "喜欢",
            "满意",
            "很满意",
            "好评",
            "点赞",
            "赞",
            "棒",
            "美了",
            "给力",
            "好看",
            "舒服",
            "合身",
        ),
    ),
    (Acknowledgement.closing, ("没事了", "没有了", "没了", "没别的了", "没其他的了", "再见", "拜拜", "88", "就这样", "先这样")),
    (
        Acknowledgement.ack,
        (
            "嗯嗯",
            "嗯",
            "恩恩",
            "恩",
            "好的",
            "好滴",
            "好嘞",
            "好吧",
            "好了",
            "好",
            "行吧",
            "行",
            "可以了",
            "可以",
            "ok",
            "okay",
            "知道了",
            "知道",
            "明白了",
            "明白",
            "了解了",
            "了解",
            "懂了",
            "收到了",
            "收到",
            "到了",
            "已经到了",
            "拿到了",
            "对的",
            "对",
            "是的",
            "是",
            "没事",
            "没问题",
            "那好",
            "那就这样",
            "等下",
            "等一下",
            "稍等",
            "我看看",
            "我看一下",
            "我看下",
            "看下",
            "看看",
            "我再看看",
            "我找一下",
            "我找找",
            "我想想",
            "我考虑一下",
            "我考虑考虑",
            "我已经提交了",
            "已经提交了",
            "我提交了",
            "提交了",
            "评价了",
            "已经评价了",
            "晕",
            "哈哈",
            "呵呵",
            "哦哦",
            "哦",
            "噢",
            "喔",
            "我等等看",
            "等等看",
            "我先等等",
            "我等等",
            "我等着",
            "等着",
            "那我等",
            "我去看看",
            "我去看一下",
            "我试试",
            "试试",
        ),
    ),
)
# Particles that carry no meaning of their own here: skipped wherever they stand.
_PARTICLES = ("啊", "呀", "啦", "吧", "哈", "呢", "嘛", "哟", "哦", "喔", "了", "的", "滴", "哒", "亲", "那")
_ORDERED = sorted(
    [(p, kind) for kind, phrases in _PHRASES for p in phrases] + [(p, None) for p in _PARTICLES],
    key=lambda item: -len(item[0]),
)
_PUNCTUATION = re.compile(r"[\s,.!?;:~…，。！？；：、～\-_\"'“”‘’()（）\[\]【】]")


def closing_words(text: str) -> Optional[Acknowledgement]:
    """Thanks or a closing as the message's last clause ("…就是问问 没事了 谢谢"): the kind, else None.
    Whether the rest only tells (asks and requests nothing) is for the caller to judge."""
    parts = clauses(text)
    if len(parts) < 2:
        return None
    kind = acknowledgement(parts[-1])
    return kind if kind in (Acknowledgement.thanks, Acknowledgement.closing) else None


def acknowledgement(text: str, max_chars: int = 24) -> Optional[Acknowledgement]:
    """What the whole message is, if it is only acknowledgement, thanks, praise or closing
    phrases; None when anything else is left (a question, a fact, a request)."""
    rest = _PUNCTUATION.sub("", (text or "").lower())
    if not rest or len(rest) > max_chars:
        return None
    found = set()
    while rest:
        match = next(((p, kind) for p, kind in _ORDERED if rest.startswith(p)), None)
        if match is None:
            return None
        if match[1] is not None:
            found.add(match[1])
        rest = rest[len(match[0]) :]
    if not found:
        return None
    for kind in (Acknowledgement.praise, Acknowledgement.thanks, Acknowledgement.closing):
        if kind in found:
            return kind
    return Acknowledgement.ack
