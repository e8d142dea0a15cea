"""Order status and address changes (bot/services/orders.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Mapping, Optional

from bot.models import Order, OrderStatus, Policy
from bot.replies.format import day, moment, money
from bot.services.orders import AddressChange, AddressChangeOutcome


def order_not_found(order_id: Optional[str]) -> str:
    if order_id:
        return f"亲，没有查到您账号下订单号为{order_id}的订单哦，麻烦核对一下订单号，" "或者在“我的订单”里复制给我～"
    return "亲，没有查到您账号下的订单哦，麻烦把订单号发给我，我帮您查一下～"


def item_summary(order: Order, names: Mapping[str, str]) -> str:
    """The order's items as the buyer bought them: name, colour, size (none for 均码), quantity."""
    return "，".join(
        f"{names[item.sku]} {item.colour}{'' if item.size == '均码' else ' ' + item.size}×{item.quantity}" for item in order.items
    )


def order_status(order: Order, policy: Policy, dispatch: Optional[date], now: datetime, names: Mapping[str, str]) -> str:
    """`names`: each of the order's SKUs with its product's name (bot.services.orders.item_names)."""
    head = f"亲，您的订单{order.id}（{item_summary(order, names)}）"
    if order.status is OrderStatus.unpaid:
        return head + f"还没有付款哦，共{money(order.total)}，付款后我们会尽快安排发货～"
    if order.status is OrderStatus.paid:
        when = day(dispatch, now.date()) if dispatch else "尽快"
        if dispatch and now.date() > dispatch:
            return (
                head + f"已于{moment(order.paid_at)}付款，本应在{day(dispatch)}发出，现在还没发货，"
                "真的非常抱歉！我这就转给人工客服帮您跟进～"
            )
        return (
            head
            + f"已于{moment(order.paid_at)}付款成功，预计{when}发货（{policy.same_day_cutoff_hour}点前付款当天发），请您耐心等待哦～"
        )
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


def ask_address_change() -> str:
    """An address question that asks for no change: ask before registering one."""
    return "亲，是要修改订单的收货地址、电话或收货人吗？是的话请把新的收货信息发给我，我帮您登记～其他问题也可以直接问我哦。"


def confirm_cancel(order: Order, names: Mapping[str, str]) -> str:
    items = "、".join(names.get(item.sku, item.sku) for item in order.items)
    return f"亲，是要取消订单{order.id}（{items}）吗？确认的话回复“确认取消”，我马上为您登记～"


def cancel_recorded(order: Order) -> str:
    if order.status is OrderStatus.unpaid:
        return f"好的亲，订单{order.id}已为您登记取消，这个订单还没付款，不会扣您的钱哦～"
    return f"好的亲，订单{order.id}已为您登记取消，仓库会拦下不发货，货款会在1-3个工作日内原路退回～"


def cancel_kept(order: Order) -> str:
    return f"好的亲，订单{order.id}为您保留，不取消啦～"


def nothing_to_cancel() -> str:
    return "亲，您没有还没发货的订单可以取消哦～已经发出的订单可以拒收或收到后申请退货，需要的话告诉我订单号～"


def delivery_note(order: Optional[Order]) -> str:
    if order is None:
        return "亲，您现在没有待收货的订单哦～下单时可以在订单备注里写上送货要求，我们会照着安排～"
    if order.status is OrderStatus.shipped:
        return (
            f"好的亲，已经把您的要求备注在订单{order.id}上，并转告{order.courier or '快递'}网点～"
            "包裹已经在路上，具体派送以快递员的安排为准，有变化我们会及时告诉您哦。"
        )
    return f"好的亲，已经把您的要求备注在订单{order.id}上啦，仓库发货和派送时会按您的要求安排～"
