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


# -- short answers to acknowledgements, thanks and praise -----------------------------------------
# Several wordings each, so that a buyer who says 嗯 four times never reads the same line twice
# in a row (bot/replies/repeats.py picks one not said before).
ACKNOWLEDGEMENTS = {
    "ack": ("好的亲～", "嗯嗯，亲有需要随时叫我哦～", "好的呢，我在的～", "收到啦亲～"),
    "thanks": ("不客气哦亲～有需要随时找我！", "亲太客气啦～能帮到您就好！", "应该的亲～祝您购物愉快！"),
    "praise": ("谢谢亲的认可～喜欢就好，欢迎常来哦！", "收到亲的好评啦，开心～有需要随时找我哦！", "亲满意就好～感谢支持！"),
    "closing": ("好的亲，感谢光临～有需要随时来找我们哦！", "好的亲，祝您生活愉快，再见啦～"),
}


# A greeting in the middle of a chat ("在吗", "亲 在不在"): no second welcome.
GREET_AGAIN = ("亲，我在的～请问还有什么可以帮您？", "在的亲～您请说", "亲，我一直在哦～有什么问题尽管问")


# -- not sure what the buyer means ----------------------------------------------------------------
# What each question the assistant can answer is called on a 猜你想问 button.
SUGGESTION_TITLES = {
    "ask_free_shipping": "包邮吗？运费多少？",
    "ask_size": "我穿什么尺码合适？",
    "ask_product_info": "宝贝是什么面料？",
    "ask_stock": "有货吗？",
    "ask_shipping_time": "什么时候发货？",
    "ask_courier": "发什么快递？",
    "ask_order_status": "我的快递到哪了？",
    "change_address": "修改收货地址",
    "return_exchange": "退换货/退款",
    "complain_quality": "收到的宝贝有问题",
    "bargain": "能优惠吗？",
    "ask_gift": "有小礼物送吗？",
    "request_human": "转人工客服",
}


def guess_questions() -> str:
    return "亲，不好意思，我不太确定您想问的是哪个～您是想问下面这些吗？点一下就可以，或者换个说法告诉我哦："


def ask_problem() -> str:
    """A complaint-looking message that names no problem: ask before recording anything."""
    return "亲，收到的宝贝是有什么问题吗？方便说一下具体情况（比如破损、色差、尺码不对），我马上为您处理～"


def ask_what_to_do_with_order() -> str:
    """A return/refund-looking message that asks for none: ask instead of registering one."""
    return "亲，请问您是想退货、换货，还是有其他问题呢？说一下具体情况，我来帮您看看～"
