"""Who may get a marketing message, and what a buyer's 退订 looks like. Pure rules."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Optional

from bot.models import Buyer

# A whole message that asks to stop (after punctuation and spaces are dropped). "退订单" (cancel
# an order) is not one: the patterns are anchored, and the phrases below never include 订单.
_WHOLE = re.compile(r"^(请|麻烦)?(帮我)?(退订|td|取消订阅)(了|吧|谢谢|短信|消息|通知)*$", re.IGNORECASE)
_PHRASES = ("不要再发", "别再发", "不要再给我发", "别再给我发", "不要给我发消息", "取消订阅")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def is_unsubscribe(text: str) -> bool:
    compact = _NOISE.sub("", text or "")
    return bool(_WHOLE.match(compact)) or any(phrase in compact for phrase in _PHRASES)


def may_market(buyer: Buyer, opted_out_at: Optional[datetime]) -> bool:
    """Consent recorded, and not withdrawn since (a 退订 after the consent wins)."""
    consent = buyer.marketing_opt_in
    if consent is None:
        return False
    return opted_out_at is None or consent.at > opted_out_at
