"""The shop itself: its couriers, gifts, perks, policies and the handoff mode."""

from __future__ import annotations

from enum import Enum
from typing import Dict, List, Optional

from pydantic import Field, validator

from bot.models.base import Model, Range


class Courier(Model):
    code: str
    name: str
    fee: float = Field(ge=0, description="fee in yuan; for upgrades, the extra over the default")


class GiftRule(Model):
    allowed: bool = False
    description: str = ""
    min_order_amount: float = Field(default=0, ge=0)


class ReturningCustomerPerks(Model):
    """Who counts as a returning customer and exactly what the shop gives them."""

    tag: str = "老客"
    min_past_orders: int = Field(default=3, ge=1)
    free_shipping: bool = False
    coupon_yuan: float = Field(default=0, ge=0)
    gift: str = ""


class HandoffMode(str, Enum):
    """Who answers first when a chat could go to a person (店小蜜's 助手优先 / 人工优先 / 仅助手)."""

    assistant_first = "assistant_first"  # the assistant answers; people take what it hands over
    human_first = "human_first"  # in working hours with an agent online, new chats queue first
    assistant_only = "assistant_only"  # never queue: record the request for the shop instead


class BirthdayCoupon(Model):
    yuan: float = Field(gt=0)
    min_order_yuan: float = Field(default=0, ge=0)
    valid_days: int = Field(default=7, ge=1, le=90)


class InvoicePolicy(Model):
    types: List[str] = Field(min_items=1)  # e.g. [电子普通发票]
    timing: str = Field(min_length=1, description="when it is issued, e.g. 确认收货后1-3个工作日内")
    change_days: Optional[int] = Field(default=None, ge=1, le=3650)  # how long after issue it can be changed


class Policy(Model):
    free_shipping_threshold: float = Field(ge=0)
    free_shipping_excluded_regions: List[str] = []
    same_day_cutoff_hour: int = Field(ge=0, le=24)
    default_courier: Courier
    upgrade_couriers: List[Courier] = []
    return_window_days: int = Field(ge=0)
    no_reason_return_excluded_categories: List[str] = []
    gift: GiftRule = GiftRule()
    returning_customer: ReturningCustomerPerks = ReturningCustomerPerks()
    working_hours: str = "09:00-23:00"
    # Returns/refunds on orders whose total is above this many yuan go to a human; None: never.
    handoff_refund_over: Optional[float] = Field(default=None, ge=0)
    handoff_mode: HandoffMode = HandoffMode.assistant_first
    # In working hours: how long a waiting chat waits for an agent before the buyer gets one
    # update (and, in human_first, before the assistant answers it).
    handoff_wait_minutes: int = Field(default=10, ge=0, le=24 * 60)
    # A conversation converts when its buyer orders within this many hours of its start.
    conversion_window_hours: int = Field(default=72, ge=1, le=90 * 24)
    # The shop's own complaint reasons (reason -> the buyer's words that mean it), tried before
    # data/lexicon/complaint_reasons.yml when complaints are counted and reported.
    complaint_reasons: Dict[str, List[str]] = {}
    # Days after delivery when one message asks how the order went (满意 / 一般 / 不满意, or
    # 1-5); None: no follow-up. An unhappy answer gets an apology and the after-sales path,
    # and a person when `follow_up_unhappy_to_human`.
    follow_up_days: Optional[int] = Field(default=None, ge=0, le=60)
    follow_up_unhappy_to_human: bool = True
    # Minutes after an order is placed when, still unpaid, its buyer gets one friendly reminder
    # (催付, bot/services/unpaid.py; in working hours only); 0: no reminders.
    unpaid_reminder_minutes: int = Field(default=30, ge=0, le=24 * 60)
    # The shop's real birthday coupon, sent with the birthday wish; None: a wish without one.
    birthday_coupon: Optional[BirthdayCoupon] = None
    # Facts the default knowledge pack's answers are built from (data/knowledge/clothing_pack.yml);
    # an answer needing one the shop has not given stays off (listed as 待填写), never invented.
    invoice: Optional[InvoicePolicy] = None
    payment_methods: List[str] = []  # e.g. [支付宝, 花呗, 信用卡]
    payment_methods_not: List[str] = []  # what the shop does not take, e.g. [货到付款]
    price_protection_days: Optional[int] = Field(default=None, ge=1, le=365)
    warranty_days: Optional[int] = Field(default=None, ge=1, le=3650)  # free repair of workmanship faults
    authenticity: Optional[str] = Field(default=None, min_length=1, max_length=200)  # the shop's own words
    ship_from: Optional[str] = Field(default=None, min_length=1, max_length=40)  # the warehouse's city
    # Days from dispatch to delivery by the default courier, per region (province short name);
    # `其他` covers the regions not named. Unset: the assistant never promises an arrival day.
    transit_days: Dict[str, Range] = {}

    @validator("working_hours")
    def _hours_format(cls, value: str) -> str:
        start, _, end = value.partition("-")
        minutes = []
        for part in (start, end):
            hour, _, minute = part.partition(":")
            if not (hour.isdigit() and minute.isdigit() and int(minute) < 60 and int(hour) * 60 + int(minute) <= 24 * 60):
                raise ValueError("must look like 09:00-23:00")
            minutes.append(int(hour) * 60 + int(minute))
        if minutes[0] == minutes[1]:
            raise ValueError("starts and ends at the same time, which would mean never open (all day: 00:00-24:00)")
        return value

    def transit(self, region: Optional[str]) -> Optional[Range]:
        return self.transit_days.get(region or "") or self.transit_days.get("其他")


class Shop(Model):
    id: str
    name: str
    policy: Policy
