"""Keeping in touch (bot/outreach/): 退订, birthday wishes, the after-delivery follow-up, 催付."""

from __future__ import annotations

from typing import Optional

from bot.models import Buyer, Order, Policy, Product, Shop
from bot.replies.format import day, join, money
from bot.services.shipping import FeeReason
from bot.services.unpaid import ReminderFacts


def unsubscribed() -> str:
    return "好的亲，已经为您退订啦，以后不会再给您发活动和祝福消息了～有问题随时找我哦～"


def birthday_wish(shop: Shop, buyer: Buyer, coupon_yuan: Optional[float], min_order_yuan: float, valid_days: int) -> str:
    text = f"亲爱的{buyer.nickname}，{shop.name}祝您生日快乐🎂，新的一岁开开心心、穿得美美的～"
    if coupon_yuan:
        threshold = f"满{money(min_order_yuan)}可用，" if min_order_yuan else ""
        text += f"店里给您准备了一张{money(coupon_yuan)}生日券，{threshold}{valid_days}天内有效，下单时可以直接用哦～"
    return text + "（回复退订可不再接收）"


def follow_up_question(order: Order, product: Optional[Product]) -> str:
    item = f"【{product.name}】" if product else f"订单{order.id}里的宝贝"
    return f"亲，您的{item}已经签收几天啦，穿着还满意吗？回复“满意”“一般”“不满意”或1-5分就好，" "您的意见对我们很重要～"


def follow_up_thanks(satisfied: bool) -> str:
    if satisfied:
        return "谢谢亲的认可🥰，喜欢的话欢迎常来逛逛，有需要随时找我哦～"
    return "谢谢亲的反馈～哪里还不够好可以直接告诉我，我们会认真改进的～"


def follow_up_sorry(policy: Policy, to_person: bool) -> str:
    excluded = policy.no_reason_return_excluded_categories
    except_note = f"（{join(excluded)}除外）" if excluded else ""
    text = (
        f"非常抱歉没让您满意😔 可以告诉我是尺码、质量还是物流的问题吗？签收{policy.return_window_days}天内"
        f"可以申请退换{except_note}，把问题和照片发给我就能帮您登记售后～"
    )
    if to_person:
        text += "我也请售后同事来跟进您的情况，请稍等哦～"
    return text


def unpaid_reminder(facts: ReminderFacts) -> str:
    """One gentle nudge: the item, then only what is true of this order (bot/services/unpaid.py)."""
    item = f"【{facts.item}】" + (f"等{facts.other_items + 1}件宝贝" if facts.other_items else "")
    parts = [f"亲，您拍下的{item}还没有付款哦～"]
    if facts.free_shipping is FeeReason.threshold_met:
        parts.append(f"这单已经满{money(facts.threshold)}包邮啦，")
    elif facts.free_shipping is FeeReason.returning_customer:
        parts.append("您是店里的老客，这单包邮哦，")
    if facts.low_stock is not None:
        parts.append(f"您选的{facts.variant}只剩{facts.low_stock}件了，")
    if facts.dispatch == facts.today:
        parts.append(f"今天{facts.cutoff_hour}点前付款当天就能发出～")
    else:
        parts.append(f"现在付款，{day(facts.dispatch, facts.today)}就能发出～")
    parts.append("有任何问题随时问我哦～（回复退订可不再接收）")
    return "".join(parts)
