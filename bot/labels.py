"""What owners, agents and trainers read instead of our internal names: one table of Chinese labels
for intents, behaviours, order states and handoff reasons, used by the console, the dashboard, CSV exports and
`python -m bot metrics`. Buyer-facing wording lives in `bot/replies/`, not here."""

from __future__ import annotations

from typing import Dict, Optional

from bot.models import HandoffReason

INTENT_LABELS: Dict[str, str] = {
    "greet": "打招呼",
    "goodbye": "道别",
    "thank": "道谢",
    "affirm": "肯定回答",
    "deny": "否定回答",
    "bargain": "议价/要优惠",
    "ask_free_shipping": "问包邮/运费",
    "ask_gift": "要赠品",
    "ask_size": "问尺码",
    "ask_product_info": "问商品信息",
    "ask_stock": "问库存",
    "ask_shipping_time": "问发货/到货时间",
    "ask_courier": "问快递",
    "ask_order_status": "查物流/订单",
    "change_address": "改地址",
    "return_exchange": "退换货/退款",
    "complain_quality": "质量问题",
    "request_human": "要求转人工",
    "bot_challenge": "问是不是机器人",
    "out_of_scope": "店铺帮不上的问题",
    "inform": "补充信息",
    "nlu_fallback": "没听懂",
}

ORDER_STATUS_LABELS: Dict[str, str] = {
    "unpaid": "待付款",
    "paid": "已付款",
    "shipped": "已发货",
    "delivered": "已签收",
    "returned": "已退货",
}

# Entities a trainer marks in a buyer's words (domain.yml).
ENTITY_LABELS: Dict[str, str] = {
    "height": "身高",
    "weight": "体重",
    "bust": "胸围",
    "waist": "腰围",
    "size": "尺码",
    "colour": "颜色",
    "order_id": "订单号",
    "product": "商品",
    "region": "地区",
}

REASON_LABELS: Dict[HandoffReason, str] = {
    HandoffReason.buyer_asked: "买家要求转人工",
    HandoffReason.not_understood: "机器人连续没听懂",
    HandoffReason.quality_complaint: "质量投诉",
    HandoffReason.buyer_upset: "买家情绪不满",
    HandoffReason.refund_over_limit: "大额退款（超店铺上限）",
    HandoffReason.action_failed: "机器人出错",
    HandoffReason.repeated_answer: "机器人重复回答",
    HandoffReason.policy_follow_up: "店铺政策追问",
    HandoffReason.late_dispatch: "订单发货延迟",
    HandoffReason.human_first: "店铺设置新会话先由人工接待",
    HandoffReason.unhappy_follow_up: "回访不满意",
    HandoffReason.other: "其他原因",
}

# Behaviours (bot/behaviours.py) beyond `answer:<intent>` and `faq:<topic>`.
BEHAVIOUR_LABELS: Dict[str, str] = {
    "ack": "确认/回应",
    "clarify": "追问/猜你想问",
    "handoff": "转人工",
    "flow:cancel_order": "取消订单",
    "flow:delivery_instruction": "配送备注",
}


def intent_label(intent: str) -> str:
    """The Chinese name of an intent; an unknown one is called what it is rather than hidden."""
    return INTENT_LABELS.get(intent, "其他")


def behaviour_label(behaviour: str) -> str:
    kind, _, rest = behaviour.partition(":")
    if behaviour in BEHAVIOUR_LABELS:
        return BEHAVIOUR_LABELS[behaviour]
    if kind == "answer":
        return f"回答：{intent_label(rest)}"
    if kind == "faq":
        return "知识库回答"
    if kind == "flow":
        return "流程"
    return "其他"


def reason_label(reason: str) -> str:
    """The Chinese name of a handoff reason; an old free-text reason is read by its prefix."""
    return REASON_LABELS[HandoffReason.read(reason)]


def product_label(sku: str, name: Optional[str]) -> str:
    """An item as owners and agents see it: its name, with the SKU beside it to search by."""
    return f"{name}（{sku}）" if name and name != sku else sku


# Shop facts the default knowledge pack's answers name (bot/knowledge/pack.py FACTS): what a 待填写
# entry still needs, as the owner reads it.
FACT_LABELS: Dict[str, str] = {
    "shop_name": "店铺名称",
    "return_window_days": "退货天数",
    "same_day_cutoff_hour": "当天发货截止时间",
    "working_hours": "客服工作时间",
    "default_courier": "默认快递",
    "excluded_regions": "不包邮地区",
    "excluded_categories": "不支持七天无理由的品类",
    "returning_min_orders": "老客户的订单数",
    "returning_perks": "老客户福利",
    "invoice_types": "可开发票类型",
    "invoice_timing": "开票时间",
    "invoice_change_days": "发票换开天数",
    "payment_methods": "支持的付款方式",
    "payment_methods_not": "不支持的付款方式",
    "price_protection_days": "价保天数",
    "warranty_days": "保修天数",
    "authenticity": "正品保证说明",
    "ship_from": "发货地",
}


def fact_label(fact: str) -> str:
    return FACT_LABELS.get(fact, fact)
