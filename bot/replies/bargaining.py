"""The bargaining ladder's answers and gifts (bot/services/bargaining.py)."""

from __future__ import annotations

from typing import Optional

from bot.models import Policy, Product
from bot.replies.format import join, money
from bot.replies.shipping import restriction, shipping_line
from bot.services.bargaining import BargainReply, BargainStep


def _perks_line(reply: BargainReply) -> str:
    """The returning buyer's perks; free shipping only where this reply's quote is free by the perk."""
    perks = reply.perks
    if perks is None or reply.step is BargainStep.hold_firm or reply.shipping.restricted:
        return ""
    parts = []
    if perks.coupon_yuan:
        parts.append(f"一张{money(perks.coupon_yuan)}老客优惠券")
    if perks.free_shipping:
        parts.append("包邮")
    if perks.gift:
        parts.append(f"送{perks.gift}")
    return f"您是我们的老顾客啦，店里给老客的福利是{join(parts)}，下单时我们都会给您安排上～" if parts else ""


def bargain(reply: BargainReply) -> str:
    text = _bargain_answer(reply)
    if reply.shipping.restricted and reply.step is not BargainStep.free_shipping:
        text += restriction(reply.shipping.region, reply.shipping.restriction_reason, None)
    return text + _perks_line(reply)


def _bargain_answer(reply: BargainReply) -> str:
    if reply.step is BargainStep.hold_price:
        price = f"这款{money(reply.price)}已经是" if reply.price else "店里的宝贝都是"
        return f"亲，{price}实价销售了哦，品质有保证，价格也是很实在的，真的没法再便宜了，请您理解～"
    if reply.step is BargainStep.free_shipping:
        return "亲，价格确实是最低了哦，不能再优惠了。" + shipping_line(reply.shipping)
    if reply.step is BargainStep.gift:
        return f"亲，价格真的没法再让了～不过您诚心要的话，满{money(reply.gift_min_amount)}" f"我们可以送您{reply.gift}哦～"
    return "亲，真的很抱歉，价格是统一的实价，对每位顾客都一样，没有办法再优惠了，希望您理解哦～"


def gift(policy: Policy, product: Optional[Product]) -> str:
    rule = policy.gift
    if not rule.allowed:
        return "亲，店里目前没有赠品活动哦，价格都是实在的，请您理解～"
    if product and product.price < rule.min_order_amount:
        return (
            f"亲，店里满{money(rule.min_order_amount)}送{rule.description}哦，"
            f"这款{money(product.price)}，再凑{money(rule.min_order_amount - product.price)}就可以送啦～"
        )
    return f"亲，满{money(rule.min_order_amount)}就送{rule.description}哦～"
