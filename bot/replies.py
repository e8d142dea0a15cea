"""Buyer-facing Chinese text: every figure comes from the typed outcome passed in, never from here.

Tone: a good Taobao agent — warm (亲), short, truthful, never over-praising.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, List, Optional, Sequence

from bot.models import Buyer, Fit, Order, OrderStatus, Policy, Product, Shop
from bot.services.aftersales import ComplaintRecord, ReturnDecision, ReturnOutcome
from bot.services.bargaining import BargainReply, BargainStep
from bot.services.orders import AddressChange, AddressChangeOutcome
from bot.services.products import ProductTopic
from bot.services.shipping import CourierOptions, FeeReason, ShippingQuote, dispatch_day
from bot.services.sizing import SizeAdvice, SizeOutcome


def money(amount: float) -> str:
    """¥ amounts as a shop writes them: 99元, 39.9元."""
    text = f"{amount:.2f}".rstrip("0").rstrip(".")
    return f"{text}元"


def day(value: date, today: Optional[date] = None) -> str:
    if today is not None:
        if value == today:
            return f"今天（{value.month}月{value.day}日）"
        if (value - today).days == 1:
            return f"明天（{value.month}月{value.day}日）"
    return f"{value.month}月{value.day}日"


def moment(value: Optional[datetime]) -> str:
    assert value is not None  # bot/models.py requires the times an order's status implies
    return f"{value.month}月{value.day}日 {value:%H:%M}"


def join(items: Iterable[str]) -> str:
    return "、".join(items)


# -- greetings and small talk ------------------------------------------------------------------
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


def ask_which_product() -> str:
    return "亲，请问您问的是哪一款宝贝呢？可以把宝贝链接发给我，或者告诉我宝贝名称哦～"


def unknown_product_hint(products: List[Product]) -> str:
    names = join(p.name for p in products[:6])
    return f"亲，店里目前有这些宝贝：{names}……您想了解哪一款呢？"


# -- product questions -----------------------------------------------------------------------
_STRETCH = {"none": "没有弹力", "slight": "微弹", "high": "弹力很好"}
_THICKNESS = {"thin": "偏薄款", "medium": "厚度适中", "thick": "偏厚款"}
_FIT = {
    Fit.runs_small: "这款版型偏小，建议拍大一码",
    Fit.true_to_size: "这款尺码标准，按平时的尺码拍就可以",
    Fit.runs_large: "这款版型偏大，建议拍小一码",
}


def material_line(product: Product) -> str:
    material = product.material
    parts = [f"【{product.name}】面料是{material.name}（{material.composition}）"]
    if material.breathable is not None:
        parts.append("透气性好" if material.breathable else "透气性一般")
    if material.stretch in _STRETCH:
        parts.append(_STRETCH[material.stretch])
    if material.thickness in _THICKNESS:
        parts.append(_THICKNESS[material.thickness])
    return "，".join(parts) + "。"


def colour_choices(product: Product) -> str:
    """The colours a buyer can order now, naming the sold-out ones as such."""
    in_stock = [c for c in product.colours if product.stock_of(c) > 0]
    sold_out = [c for c in product.colours if c not in in_stock]
    if not in_stock:
        return f"{join(sold_out)}，不过目前都暂时缺货"
    tail = f"（{join(sold_out)}暂时缺货）" if sold_out else ""
    return f"{join(in_stock)}可选{tail}"


def product_info(product: Product, topic: ProductTopic) -> str:
    material = product.material
    if topic is ProductTopic.colour:
        return f"亲，【{product.name}】有{colour_choices(product)}哦～"
    if topic is ProductTopic.price:
        return (
            f"亲，【{product.name}】的价格是{money(product.price)}，店里都是实价销售哦。"
            f"{material_line(product)}"
        )
    if topic is ProductTopic.breathable and material.breathable is not None:
        verdict = "透气性好，夏天穿也舒服" if material.breathable else "透气性一般，更适合凉快的天气"
        return f"亲，【{product.name}】是{material.name}（{material.composition}），{verdict}～"
    if topic is ProductTopic.stretch and material.stretch in _STRETCH:
        return f"亲，【{product.name}】是{material.name}（{material.composition}），{_STRETCH[material.stretch]}哦～"
    if topic is ProductTopic.thickness and material.thickness in _THICKNESS:
        return f"亲，【{product.name}】{_THICKNESS[material.thickness]}，面料是{material.name}（{material.composition}）～"
    if topic is ProductTopic.care and material.care:
        return f"亲，【{product.name}】的洗护建议：{material.care}～"
    text = f"亲，{material_line(product)}"
    if product.description:
        text += product.description
    text += f" 价格{money(product.price)}，颜色有{colour_choices(product)}。"
    return text


def which_shade(product: Product, shades: List[str]) -> str:
    return f"亲，【{product.name}】有{join(shades)}，您想要的是哪一个呀？我帮您查库存～"


def stock(product: Product, colour: Optional[str], size: Optional[str]) -> str:
    if colour and colour not in product.colours:
        return f"亲，【{product.name}】没有{colour}哦，目前有{colour_choices(product)}～"
    if size and size not in product.sizes:
        return f"亲，【{product.name}】没有{size}这个尺码，可选尺码是{join(product.sizes)}～"
    if colour or size:
        label = "".join(x for x in (colour, size) if x)
        count = product.stock_of(colour, size)
        if count > 0:
            return f"亲，【{product.name}】{label}现在有货（库存{count}件），喜欢的话可以放心拍哦～"
        others = [
            f"{v.colour}{v.size}"
            for v in product.variants
            if v.stock > 0 and (v.colour == colour or v.size == size)
        ]
        tail = f"，{join(others[:4])}还有货" if others else ""
        return f"亲，抱歉，【{product.name}】{label}暂时没货了{tail}。补货时间还没定，定了会第一时间上架哦～"
    in_stock = [v for v in product.variants if v.stock > 0]
    if not in_stock:
        return f"亲，抱歉，【{product.name}】目前全部售罄了，补货时间还没定哦～"
    sold_out = [f"{v.colour}{v.size}" for v in product.variants if v.stock == 0]
    text = f"亲，【{product.name}】现在有货的～"
    if sold_out:
        text += f"其中{join(sold_out)}暂时缺货，"
    return text + "您要什么颜色和尺码，我帮您看下具体库存～"


# -- sizing ------------------------------------------------------------------------------------
def size_advice(product: Product, advice: SizeAdvice, height: Optional[float], weight: Optional[float]) -> str:
    body = "，".join(
        x for x in (f"身高{height:g}cm" if height else "", f"体重{weight:g}kg（{weight * 2:g}斤）" if weight else "") if x
    )
    if advice.outcome is SizeOutcome.no_chart:
        size = advice.size or "均码"
        return f"亲，【{product.name}】是{size}的，不用选尺码哦～"
    if advice.outcome is SizeOutcome.above_chart:
        return (
            f"亲，按【{product.name}】的尺码表，您{body}超出了最大码{product.sizes[-1]}的范围，"
            "怕穿着不合适，不建议拍这款哦，可以看看店里其他宽松款，或者我帮您转人工客服再确认～"
        )
    if advice.outcome is SizeOutcome.largest_runs_small:
        return (
            f"亲，按【{product.name}】的尺码表，您{body}对应{advice.chart_size}码，这已经是最大码了；"
            f"不过这款版型偏小，{advice.chart_size}码穿着可能会偏紧，介意的话可以看看店里其他宽松款，"
            "或者我帮您转人工客服再确认～"
        )
    if advice.outcome is SizeOutcome.below_chart:
        return (
            f"亲，按【{product.name}】的尺码表，您{body}比最小码{product.sizes[0]}还要小一些，"
            f"选{product.sizes[0]}可能会偏大哦，介意的话可以再考虑下～"
        )
    if advice.outcome is SizeOutcome.recommended:
        return f"亲，根据您{body}，【{product.name}】建议拍{advice.size}码" + _fit_note(advice)
    return ask_measurements(advice.missing)


def _fit_note(advice: SizeAdvice) -> str:
    """How the item's fit moved the chart size, and the next size up only where there is one."""
    if advice.size != advice.chart_size:
        note = f"（按尺码表是{advice.chart_size}码，{_FIT[advice.fit]}）"
    elif advice.fit is Fit.runs_large:  # the chart size is already the smallest there is
        note = f"，这款版型偏大，不过{advice.size}已经是最小码了，穿着会宽松一些"
    else:
        note = f"，{_FIT[advice.fit]}"
    larger = f"；喜欢宽松一点可以拍{advice.larger_size}码" if advice.larger_size else ""
    return note + larger + "哦～"


def ask_measurements(missing: Iterable[str]) -> str:
    names = {"height_cm": "身高", "weight_kg": "体重"}
    wanted = "和".join(names[m] for m in missing if m in names) or "身高和体重"
    return f"亲，方便告诉我您的{wanted}吗？比如：165cm 110斤，我按这款的尺码表帮您推荐～"


def size_chart(product: Product) -> str:
    rows = [
        f"{r.size}：身高{r.height_cm.min:g}-{r.height_cm.max:g}cm，体重{r.weight_kg.min * 2:g}-{r.weight_kg.max * 2:g}斤"
        for r in product.size_chart
    ]
    return f"亲，【{product.name}】的尺码参考：\n" + "\n".join(rows)


# -- bargaining, gifts, shipping ------------------------------------------------------------------
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


def _shipping_line(quote: ShippingQuote) -> str:
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
        return "亲，价格确实是最低了哦，不能再优惠了。" + _shipping_line(reply.shipping)
    if reply.step is BargainStep.gift:
        return (
            f"亲，价格真的没法再让了～不过您诚心要的话，满{money(reply.gift_min_amount)}"
            f"我们可以送您{reply.gift}哦～"
        )
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
    """"新疆能发吗": whether it can go there, and what it costs there."""
    if quote.restricted:
        return _cannot_ship_reply(quote, product)
    cost = free_shipping(quote, product)
    cost = cost[len("亲，"):] if cost.startswith("亲，") else cost
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
    where = f"寄到{shipping.region}" if shipping is not None and shipping.region else ""
    return (
        f"亲，每天{cutoff}点前付款当天发货，{cutoff}点后付款第二天发货哦，现在拍下付款，{when}就能发出，"
        f"{where}默认发{courier}，发出后可以在订单里看物流～"
    )


def pending_order_aside(order: Order, dispatch: Optional[date], now: datetime) -> str:
    """A paid order not yet shipped, mentioned beside a pre-sale answer (not instead of it)."""
    if dispatch is None:
        return f"另外，您之前付款的订单{order.id}我们也会尽快安排发出哦～"
    if now.date() > dispatch:
        return f"另外，您之前付款的订单{order.id}原定{day(dispatch)}发出，目前还没有发出，需要的话跟我说“转人工”，客服帮您跟进～"
    return f"另外，您之前付款的订单{order.id}预计{day(dispatch, now.date())}发出哦～"


# -- orders ----------------------------------------------------------------------------------------
def order_not_found(order_id: Optional[str]) -> str:
    if order_id:
        return (
            f"亲，没有查到您账号下订单号为{order_id}的订单哦，麻烦核对一下订单号，"
            "或者在“我的订单”里复制给我～"
        )
    return "亲，没有查到您账号下的订单哦，麻烦把订单号发给我，我帮您查一下～"


def order_status(order: Order, policy: Policy, dispatch: Optional[date], now: datetime, items: str) -> str:
    head = f"亲，您的订单{order.id}（{items}）"
    if order.status is OrderStatus.unpaid:
        return head + f"还没有付款哦，共{money(order.total)}，付款后我们会尽快安排发货～"
    if order.status is OrderStatus.paid:
        when = day(dispatch, now.date()) if dispatch else "尽快"
        if dispatch and now.date() > dispatch:
            return (
                head + f"已于{moment(order.paid_at)}付款，本应在{day(dispatch)}发出，现在还没发货，"
                "真的非常抱歉！我这就转给人工客服帮您跟进～"
            )
        return head + f"已于{moment(order.paid_at)}付款成功，预计{when}发货（{policy.same_day_cutoff_hour}点前付款当天发），请您耐心等待哦～"
    if order.status is OrderStatus.shipped:
        return (
            head + f"已于{moment(order.shipped_at)}发出，快递是{order.courier}，"
            f"单号{order.tracking_number}，可以在淘宝“查看物流”里看实时进度哦～"
        )
    if order.status is OrderStatus.delivered:
        return (
            head + f"已于{moment(order.delivered_at)}签收（{order.courier}，单号{order.tracking_number}）。"
            "如果您没有收到，麻烦告诉我，我马上帮您联系快递核实～"
        )
    return head + "已经办理了退货，退款会按原路退回，请留意账户哦～"


def address_change(change: AddressChange) -> str:
    order = change.order
    if change.outcome is AddressChangeOutcome.recorded:
        return (
            f"亲，订单{order.id}还没发货，可以改的～我已经帮您登记了修改地址的需求，"
            "麻烦把新的收货人、电话和详细地址发给我，仓库发货前会按新地址处理哦～"
        )
    if change.outcome is AddressChangeOutcome.already_shipped:
        return (
            f"亲，订单{order.id}已经发出了（{order.courier}，单号{order.tracking_number}），"
            "仓库这边改不了地址了。您可以联系快递公司转寄，或者等派件时和快递员沟通改派，需要的话我也可以转人工帮您处理～"
        )
    if change.outcome is AddressChangeOutcome.address_received:
        return f"亲，新地址收到啦～已经帮您把订单{order.id}的新地址登记好了，发货前人工客服会核实处理哦～"
    return f"亲，订单{order.id}已经完成了，地址改不了哦；下次下单前记得在“收货地址”里更新～"


def ask_order_id() -> str:
    return "亲，麻烦把订单号发给我，我帮您查一下～"


# -- after-sales -----------------------------------------------------------------------------
def return_decision(decision: ReturnDecision) -> str:
    order = decision.order
    outcome = decision.outcome
    if outcome is ReturnOutcome.recorded:
        # The deadline day itself is still inside the window (request_return accepts it).
        deadline = f"（截止{day(decision.deadline)}）" if decision.deadline else ""
        text = (
            f"亲，订单{order.id}在{decision.window_days}天无理由退换期内{deadline}，可以办理的～"
            "已经帮您登记了退换货申请，请在订单页点“申请售后”，保持吊牌完好、不影响二次销售哦。"
        )
        if decision.excluded_items:
            text += f"注意：{join(decision.excluded_items)}属于贴身类，不支持无理由退换哦。"
        return text
    if outcome is ReturnOutcome.cancel_recorded:
        return (
            f"亲，订单{order.id}还没发货，已经帮您登记了取消/退款申请，人工客服核实订单状态后会帮您处理；"
            "您也可以在订单页直接申请退款哦～"
        )
    if outcome is ReturnOutcome.unpaid:
        return f"亲，订单{order.id}还没付款，不需要退款哦，不想要的话直接取消订单就可以～"
    if outcome is ReturnOutcome.in_transit:
        return (
            f"亲，订单{order.id}已经在路上了（{order.courier}，单号{order.tracking_number}），"
            "能不能拦截或拒收需要人工客服帮您核实，需要的话我帮您转人工；"
            f"收到后符合条件的话，{decision.window_days}天无理由退换期内也可以申请退换哦～"
        )
    if outcome is ReturnOutcome.window_passed:
        assert decision.deadline is not None  # set with this outcome (bot/services/aftersales.py)
        return (
            f"亲，订单{order.id}已经超过{decision.window_days}天无理由退换期了（截止{day(decision.deadline)}），"
            "如果是质量问题，麻烦拍张照片发给我，我帮您转人工处理～"
        )
    if outcome is ReturnOutcome.excluded:
        return f"亲，{join(decision.excluded_items)}属于贴身类商品，不支持{decision.window_days}天无理由退换哦；如果有质量问题，请拍照发给我～"
    return f"亲，订单{order.id}已经办理过退货了，退款会原路退回，请留意账户哦～"


def complaint(record: ComplaintRecord) -> str:
    item = f"【{record.product_name}】" if record.product_name else "宝贝"
    return (
        f"亲，真的非常抱歉给您带来不好的体验！{item}的问题我已经记录下来反馈给仓库和厂家了。"
        "麻烦您拍几张问题部位的照片发给我，人工客服确认后会跟进处理～"
    )


# -- fallbacks and handoff ---------------------------------------------------------------------
def rephrase() -> str:
    return "亲，不好意思，这个问题我没太看明白～能换个说法再说一次吗？比如问尺码、发货、物流、退换货都可以哦～"


def out_of_scope() -> str:
    return "亲，这个问题小助手帮不上忙呢～店里宝贝的尺码、面料、发货、物流、售后都可以问我哦～"


def handoff(
    in_working_hours: bool,
    working_hours: str,
    upset: bool = False,
    agent_online: bool = False,
    queued: bool = True,
) -> str:
    """What happens next, as it is: a person is on the way, or will follow up later, or (a shop
    that answers only with the assistant) the shop was told; the assistant keeps helping."""
    opening = "亲，真的非常抱歉让您不开心了，" if upset else "亲，"
    if not queued:
        return opening + "您的问题我已经记录下来转给店铺了，店铺会尽快跟进；现在我会继续为您解答，有什么问题随时问我哦～"
    if in_working_hours and agent_online:
        return opening + "已经帮您转接人工客服了，客服看到后会马上回复您；在这之前有什么问题也可以继续问我哦～"
    if in_working_hours:
        return opening + "已经帮您登记转人工了。现在人工客服暂时都不在线，我会继续为您解答，客服一上线就会第一时间跟进您的问题哦～"
    return (
        opening + f"已经帮您登记转人工了。现在是非工作时间（人工客服在线时间{working_hours}），"
        "我会继续为您解答，人工客服上班后会第一时间跟进您的问题哦～"
    )


def try_again_later() -> str:
    return "亲，系统正在维护，这条消息没能收到，麻烦您稍后再发一次哦，给您添麻烦了～"


def slow_down() -> str:
    return "亲，您发得太快啦，我有点跟不上～请稍等几秒再发，您的消息我都记下了哦～"


def queued_for_a_person() -> str:
    return "亲，您好～人工客服在线，马上为您服务，请稍等一下哦～"


def handoff_still_waiting() -> str:
    return "亲，让您久等了，人工客服还在忙，我先继续为您服务，客服一空下来就会马上回复您哦～"


def refund_to_human(order: Order) -> str:
    return f"亲，订单{order.id}金额是{money(order.total)}，这笔退换/退款需要人工客服为您办理哦～"


def empty_message() -> str:
    return "亲，您好像发了一条空消息～有什么可以帮您的吗？"


def action_failed() -> str:
    return "亲，不好意思，系统刚才开了个小差，我已经帮您转人工客服了，请稍等一下哦～"


def action_failed_no_handoff() -> str:
    return "亲，不好意思，系统刚才开了个小差，麻烦您过几分钟再发一次消息哦，给您添麻烦了～"


# -- keeping in touch (bot/outreach/) ------------------------------------------------------------
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
    return (f"亲，您的{item}已经签收几天啦，穿着还满意吗？回复“满意”“一般”“不满意”或1-5分就好，"
            "您的意见对我们很重要～")


def follow_up_thanks(satisfied: bool) -> str:
    if satisfied:
        return "谢谢亲的认可🥰，喜欢的话欢迎常来逛逛，有需要随时找我哦～"
    return "谢谢亲的反馈～哪里还不够好可以直接告诉我，我们会认真改进的～"


def follow_up_sorry(policy: Policy, to_person: bool) -> str:
    excluded = policy.no_reason_return_excluded_categories
    except_note = f"（{join(excluded)}除外）" if excluded else ""
    text = (f"非常抱歉没让您满意😔 可以告诉我是尺码、质量还是物流的问题吗？签收{policy.return_window_days}天内"
            f"可以申请退换{except_note}，把问题和照片发给我就能帮您登记售后～")
    if to_person:
        text += "我也请售后同事来跟进您的情况，请稍等哦～"
    return text
