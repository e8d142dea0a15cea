"""Greetings, goodbyes and the fallbacks (actions/chat.py, actions/follow_up.py)."""
from __future__ import annotations

from typing import Optional

from bot.models import Buyer, Product, Shop


def greet(shop: Shop, buyer: Optional[Buyer], product: Optional[Product]) -> str:
    name = f"{buyer.nickname}，" if buyer else ""
    text = f"亲，{name}欢迎光临{shop.name}～我是店铺的智能客服，有什么可以帮您的吗？"
    if product:
        text += f"看到您在看【{product.name}】，尺码、面料、发货都可以问我哦～"
    return text


def goodbye(shop: Shop, bought: bool) -> str:
    if bought:
        return f"感谢亲的支持～{shop.name}会尽快为您安排发货，收到宝贝有任何问题随时找我们哦，祝您生活愉快！"
    return f"好的亲，感谢光临{shop.name}～有需要随时来找我们，祝您生活愉快，再见啦！"


def rephrase() -> str:
    return "亲，不好意思，这个问题我没太看明白～能换个说法再说一次吗？比如问尺码、发货、物流、退换货都可以哦～"


def out_of_scope() -> str:
    return "亲，这个问题小助手帮不上忙呢～店里宝贝的尺码、面料、发货、物流、售后都可以问我哦～"


def empty_message() -> str:
    return "亲，您好像发了一条空消息～有什么可以帮您的吗？"


def noted_without_a_topic() -> str:
    """A bare fact (an order id, a region, a height) with no earlier question for it to answer."""
    return "好的亲，收到～请问有什么可以帮您的吗？尺码、发货、物流、售后都可以问我哦～"
