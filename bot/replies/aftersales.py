"""Returns, exchanges, refunds and quality complaints (bot/services/aftersales.py)."""

from __future__ import annotations

from bot.models import Order
from bot.replies.format import day, join, money
from bot.services.aftersales import ComplaintRecord, ReturnDecision, ReturnOutcome


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


def refund_to_human(order: Order) -> str:
    return f"亲，订单{order.id}金额是{money(order.total)}，这笔退换/退款需要人工客服为您办理哦～"
