"""Free shipping, couriers, regions an item cannot go to, and when the shop ships (bot/services/shipping.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional, Sequence

from bot.models import Order, Policy, Product
from bot.replies.format import day, join, money
from bot.services.shipping import CourierOptions, FeeReason, ShippingQuote, dispatch_day


def shipping_line(quote: ShippingQuote) -> str:
    """The shipping sentence of a bargaining answer (bot/replies/bargaining.py)."""
    if quote.restricted:
        return restriction(quote.region, quote.restriction_reason, None).strip()
    if quote.reason is FeeReason.excluded_region:
        return f"{quote.region}属于偏远地区，运费是{money(quote.fee)}，不在包邮范围内哦。"
    if quote.free:
        return "这款已经包邮啦。"
    return f"店里满{money(quote.threshold)}包邮，没满的话运费是{money(quote.fee)}{_gap(quote)}。"


def _gap(quote: ShippingQuote) -> str:
    """How much more reaches the free-shipping threshold, when the quote knows."""
    if quote.short_of_threshold is None:
        return ""
    return f"，再凑{money(quote.short_of_threshold)}就能包邮啦"


def free_shipping(quote: ShippingQuote, product: Optional[Product]) -> str:
    if quote.restricted:
        return _cannot_ship_reply(quote, product)
    if quote.reason is FeeReason.excluded_region:
        return f"亲，{quote.region}属于偏远地区，不在包邮范围内，{quote.courier.name}运费是{money(quote.fee)}哦～"
    if quote.reason is FeeReason.returning_customer:
        return "亲，您是我们的老顾客，店里给老客包邮哦～"
    if quote.reason is FeeReason.threshold_met and product:
        return f"亲，【{product.name}】{money(product.price)}，满{money(quote.threshold)}包邮，寄到{quote.region}是包邮的哦～"
    if quote.free and product and quote.region is None:
        ask = "您在哪个省我帮您确认下～" if quote.excluded_regions else ""
        return (
            f"亲，【{product.name}】{money(product.price)}已满{money(quote.threshold)}，"
            f"可以包邮哦{_excluded(quote.excluded_regions)}～{ask}"
        )
    if quote.free:
        return f"亲，这款寄到{quote.region}是包邮的哦～"
    if product:
        return (
            f"亲，店里满{money(quote.threshold)}包邮，【{product.name}】是{money(product.price)}，"
            f"单拍的话运费{money(quote.fee)}{_gap(quote)}～"
        )
    return f"亲，店里满{money(quote.threshold)}包邮{_excluded(quote.excluded_regions)}，不满的话运费{money(quote.fee)}哦～"


def region_shipping(quote: ShippingQuote, product: Optional[Product]) -> str:
    """ "新疆能发吗": whether it can go there, and what it costs there."""
    if quote.restricted:
        return _cannot_ship_reply(quote, product)
    cost = free_shipping(quote, product)
    cost = cost[len("亲，") :] if cost.startswith("亲，") else cost
    return f"亲，{quote.region}可以发的，默认发{quote.courier.name}；{cost}"


def free_shipping_rule(policy: Policy) -> str:
    excluded = _excluded(policy.free_shipping_excluded_regions)
    return (
        f"亲，店里满{money(policy.free_shipping_threshold)}包邮{excluded}，不满的话运费"
        f"{money(policy.default_courier.fee)}哦～"
    )


def _excluded(regions: Sequence[str]) -> str:
    """The policy's own list of regions the threshold does not cover."""
    return f"（偏远地区{join(regions)}除外）" if regions else ""


def _cannot_ship(region: Optional[str], reason: str, product: Optional[Product]) -> str:
    name = f"【{product.name}】" if product else "这款"
    why = f"（{reason.rstrip('。')}）" if reason else ""
    return f"{name}寄不了{region}{why}"


def _cannot_ship_reply(quote: ShippingQuote, product: Optional[Product]) -> str:
    return f"亲，抱歉，{_cannot_ship(quote.region, quote.restriction_reason, product)}，暂时没法给您发货哦～"


def restriction(region: Optional[str], reason: str, product: Optional[Product]) -> str:
    return f" 另外要提醒您：{_cannot_ship(region, reason, product)}，拍之前请先联系我们确认哦。"


def couriers(options: CourierOptions, product: Optional[Product], asked: Optional[str]) -> str:
    upgrades = "；".join(f"{c.name}需补{money(c.fee)}差价" for c in options.upgrades)
    text = f"亲，店里默认发{options.default.name}，"
    if asked:
        text = f"亲，店里默认发{options.default.name}，您想发{asked}的话，"
    text += f"可以改发：{upgrades}，拍下后备注就可以～" if upgrades else "暂时不能指定其他快递哦～"
    if options.restricted:
        text += restriction(options.region, options.restriction_reason, product)
    return text


def shipping_time(
    policy: Policy,
    now: datetime,
    shipping: Optional[ShippingQuote] = None,
    product: Optional[Product] = None,
) -> str:
    """When an order paid now ships; first, whether the item can go to the buyer's region at all."""
    if shipping is not None and shipping.restricted:
        return _cannot_ship_reply(shipping, product)
    cutoff = policy.same_day_cutoff_hour
    when = day(dispatch_day(policy, now), now.date())
    courier = shipping.courier.name if shipping is not None else policy.default_courier.name
    region = shipping.region if shipping is not None else None
    where = f"寄到{region}" if region else ""
    transit = policy.transit(region)
    days = ""
    if transit is not None:  # only what the shop's data says, never a guess
        days = f"，一般{transit.min:g}-{transit.max:g}天送达" if transit.min != transit.max else f"，一般{transit.min:g}天送达"
    return (
        f"亲，每天{cutoff}点前付款当天发货，{cutoff}点后付款第二天发货哦，现在拍下付款，{when}就能发出，"
        f"{where}默认发{courier}{days}，发出后可以在订单里看物流～"
    )


def pending_order_aside(order: Order, dispatch: Optional[date], now: datetime) -> str:
    """A paid order not yet shipped, mentioned beside a pre-sale answer (not instead of it)."""
    if dispatch is None:
        return f"另外，您之前付款的订单{order.id}我们也会尽快安排发出哦～"
    if now.date() > dispatch:
        return f"另外，您之前付款的订单{order.id}原定{day(dispatch)}发出，目前还没有发出，需要的话跟我说“转人工”，客服帮您跟进～"
    return f"另外，您之前付款的订单{order.id}预计{day(dispatch, now.date())}发出哦～"


def add_ons(products: Sequence[Product], gap: float) -> str:
    """The items that close the gap to free shipping, each with its price and one fact."""
    items = "；".join(f"【{p.name}】{money(p.price)}（{p.material.name}）" for p in products)
    return f"想凑单的话，这几款都有货，任拍一件就能补上这{money(gap)}：{items}，一起拍就包邮啦～"


def free_shipping_with_add_ons(quote: ShippingQuote, product: Optional[Product], extras: Sequence[Product]) -> str:
    """The free-shipping answer, then what closes its gap (凑单) when there is one."""
    text = free_shipping(quote, product)
    gap = quote.short_of_threshold
    return text + add_ons(extras, gap) if extras and gap else text
