"""When a chat should go to a human even though the assistant could answer: pure rules.

Other triggers live where they happen: the buyer asking (actions/chat.ActionHandoff), twice not
understood (ActionUnclear), a failing action (actions/base.ShopAction), a quality complaint
(actions/aftersales.ActionComplainQuality).
"""
from __future__ import annotations

from bot.models import Order, OrderStatus, Policy
from bot.nlu.normalize import normalize

# Words of an upset buyer, as the normaliser writes them (😡/🤬/😠 become 生气, 👎 becomes 差评).
ANGRY_WORDS = (
    "生气",
    "气死",
    "垃圾",
    "差评",
    "投诉",
    "骗子",
    "骗人",
    "坑人",
    "黑店",
    "举报",
    "12315",
    "太过分",
)

# Orders whose refund moves money: nothing to refund when unpaid, nothing left when returned.
_REFUNDABLE = (OrderStatus.paid, OrderStatus.shipped, OrderStatus.delivered)


def is_angry(text: str) -> bool:
    """Whether the message reads as an upset buyer (keywords and angry emoji)."""
    normalized = normalize(text or "", max_chars=2000)
    return any(word in normalized for word in ANGRY_WORDS)


def refund_needs_human(policy: Policy, order: Order) -> bool:
    """The shop's rule: returns/refunds on orders above `handoff_refund_over` yuan go to a human."""
    limit = policy.handoff_refund_over
    return limit is not None and order.status in _REFUNDABLE and order.total > limit
