"""Buyers and their orders."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import List, Optional

from pydantic import Field, root_validator, validator

from bot.models.base import Model, require_offset


class MarketingConsent(Model):
    """When and where the buyer agreed to marketing messages (the shop's own record)."""

    at: datetime
    source: str = Field(min_length=1, description="e.g. 下单页勾选, 会员注册, 聊天中同意")


class Buyer(Model):
    id: str
    nickname: str
    tags: List[str] = []
    past_orders: int = Field(default=0, ge=0)
    # Marketing (campaigns, birthday wishes) only with consent; None: never. A buyer who replies
    # 退订 is opted out in Redis at once (bot/outreach/records.py), whatever a later file load says,
    # unless the file records a consent given after that.
    marketing_opt_in: Optional[MarketingConsent] = None
    birthday: Optional[str] = Field(default=None, regex=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", description="MM-DD")
    region: str = ""


class OrderStatus(str, Enum):
    unpaid = "unpaid"
    paid = "paid"
    shipped = "shipped"
    delivered = "delivered"
    returned = "returned"


class OrderItem(Model):
    sku: str
    colour: str
    size: str = "均码"
    quantity: int = Field(default=1, ge=1)
    unit_price: float = Field(gt=0)


class Order(Model):
    id: str
    buyer_id: str
    items: List[OrderItem] = Field(min_items=1)
    status: OrderStatus
    created_at: datetime
    paid_at: Optional[datetime] = None
    shipped_at: Optional[datetime] = None
    delivered_at: Optional[datetime] = None
    courier: Optional[str] = None
    tracking_number: Optional[str] = None
    region: str
    shipping_fee: float = Field(default=0, ge=0)

    _times_have_offsets = validator("created_at", "paid_at", "shipped_at", "delivered_at", allow_reuse=True)(
        lambda value: require_offset(value)
    )

    @root_validator(skip_on_failure=True)
    def _times_match_status(cls, values: dict) -> dict:
        status = values["status"]
        needs = {
            OrderStatus.paid: ["paid_at"],
            OrderStatus.shipped: ["paid_at", "shipped_at", "courier", "tracking_number"],
            OrderStatus.delivered: [
                "paid_at",
                "shipped_at",
                "delivered_at",
                "courier",
                "tracking_number",
            ],
            OrderStatus.returned: ["paid_at"],
        }.get(status, [])
        missing = [name for name in needs if values.get(name) is None]
        if missing:
            raise ValueError(f"status {status.value} needs {', '.join(missing)}")
        return values

    @property
    def total(self) -> float:
        return round(sum(i.unit_price * i.quantity for i in self.items) + self.shipping_fee, 2)

    def holds(self, sku: str) -> bool:
        return any(item.sku == sku for item in self.items)
