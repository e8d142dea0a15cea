"""Who may get a marketing message, and what a buyer's 退订 looks like. Pure rules."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Optional

from bot.models import Buyer
from bot.nlu.normalize import normalize

# A whole message that asks to stop, read as the NLU reads it (繁→简, full-width → half-width,
# lower case, zero-width characters dropped), then without punctuation and spaces. "退订单" (cancel
# an order) is not one: the patterns are anchored, and the phrases below never include 订单.
_WHOLE = re.compile(r"^(请|麻烦)?(帮我)?(退订|td|取消订阅)(了|吧|谢谢|短信|消息|通知)*$")
_PHRASES = ("不要再发", "别再发", "不要再给我发", "别再给我发", "不要给我发消息", "取消订阅")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def is_unsubscribe(text: str) -> bool:
    text = text or ""
    compact = _NOISE.sub("", normalize(text, max_chars=len(text)))  # the whole message, not 300 chars
    return bool(_WHOLE.match(compact)) or any(phrase in compact for phrase in _PHRASES)


def may_market(buyer: Buyer, opted_out_at: Optional[datetime]) -> bool:
    """Consent recorded, and not withdrawn since (a 退订 after the consent wins)."""
    consent = buyer.marketing_opt_in
    if consent is None:
        return False
    return opted_out_at is None or consent.at > opted_out_at


def may_remind(buyer: Optional[Buyer], opted_out_at: Optional[datetime]) -> bool:
    """A service message the shop starts (催付): not after 退订 (or 不要再发…), unless the buyer
    agreed to messages again since."""
    return opted_out_at is None or (buyer is not None and may_market(buyer, opted_out_at))
