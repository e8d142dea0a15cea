"""What the chat records for the shop: requests (complaints, changes) and follow-up answers."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Dict, Optional

from bot.models.base import Model


class Satisfaction(str, Enum):
    satisfied = "satisfied"
    neutral = "neutral"
    unsatisfied = "unsatisfied"


class FollowUpAnswer(Model):
    """A buyer's answer to the follow-up after delivery, recorded against the order."""

    order_id: str
    rating: Satisfaction
    words: str
    at: datetime


class RequestKind(str, Enum):
    address_change = "address_change"
    return_exchange = "return_exchange"
    quality_complaint = "quality_complaint"
    handoff = "handoff"
    cancel = "cancel"  # an unpaid or not yet shipped order the buyer confirmed to cancel
    delivery_note = "delivery_note"  # the buyer's delivery instruction, for the order's 备注


class ShopRequest(Model):
    """Something the assistant recorded for the shop's people to act on."""

    kind: RequestKind
    conversation_id: str
    buyer_id: str
    reason: str
    order_id: Optional[str] = None
    sku: Optional[str] = None
    details: Dict[str, str] = {}
    created_at: datetime
