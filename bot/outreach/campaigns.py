"""Campaigns: a YAML file says who gets which text, when, and how often at most.

    id: winter-new-2026              # letters, digits, - and _: names the sends, so none repeats
    text: 亲，暖棉小铺冬季加绒卫衣上新啦～回复退订不再收到此类消息
    audience:                        # every condition given must hold
      tags: [老客]                   # the buyer has one of these tags
      bought: [T001, W001]           # the buyer ordered one of these items (unpaid orders do not count)
      min_past_orders: 1
    send_window:                     # sends only between these (ISO times with their offset)
      start: 2026-12-03T10:00:00+08:00
      end: 2026-12-05T21:00:00+08:00
    frequency_cap:                   # marketing messages per buyer, all campaigns and birthday wishes
      max_messages: 1
      per_days: 7

Only buyers with recorded consent who have not replied 退订 since are ever sent one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import List

from pydantic import Field, ValidationError, constr, root_validator, validator

from bot.loader import DataFileError, read_file
from bot.models import Buyer, Model, OrderStatus
from bot.outreach.consent import may_market
from bot.outreach.records import OutreachRecords
from bot.store import ShopStore


class Audience(Model):
    tags: List[str] = []
    bought: List[str] = []
    min_past_orders: int = Field(default=0, ge=0)


class SendWindow(Model):
    start: datetime
    end: datetime

    @validator("start", "end")
    def _with_offset(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs its UTC offset, e.g. 2026-12-03T10:00:00+08:00")
        return value

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: dict) -> dict:
        if values["end"] <= values["start"]:
            raise ValueError("end must come after start")
        return values

    def holds(self, now: datetime) -> bool:
        return self.start <= now < self.end


class FrequencyCap(Model):
    max_messages: int = Field(default=1, ge=1)
    per_days: int = Field(default=7, ge=1, le=365)


class Campaign(Model):
    id: constr(regex=r"^[A-Za-z0-9_\-]{1,64}$")  # type: ignore[valid-type]
    text: constr(strip_whitespace=True, min_length=1, max_length=500)  # type: ignore[valid-type]
    audience: Audience = Audience()
    send_window: SendWindow
    frequency_cap: FrequencyCap = FrequencyCap()

    def send_key(self, buyer_id: str) -> str:
        return f"campaign:{self.id}:{buyer_id}"


def load_campaign(path: Path) -> Campaign:
    raw = read_file(path)
    try:
        return Campaign.parse_obj(raw if isinstance(raw, dict) else {})
    except ValidationError as error:
        first = error.errors()[0]
        raise DataFileError(path, "campaign", ".".join(str(p) for p in first["loc"]), first["msg"]) from error


class Planned(Model):
    buyer_id: str
    nickname: str
    text: str


class Skipped(Model):
    buyer_id: str
    why: str


class Plan(Model):
    campaign_id: str
    in_window: bool
    send: List[Planned]
    skipped: List[Skipped]  # in the audience, but not sent (and why)
    outside_audience: int


def _in_audience(buyer: Buyer, audience: Audience, bought: set) -> bool:
    if audience.tags and not set(audience.tags) & set(buyer.tags):
        return False
    if audience.bought and not set(audience.bought) & bought:
        return False
    return buyer.past_orders >= audience.min_past_orders


def plan_campaign(campaign: Campaign, store: ShopStore, now: datetime) -> Plan:
    send: List[Planned] = []
    skipped: List[Skipped] = []
    outside = 0
    since = now - timedelta(days=campaign.frequency_cap.per_days)
    records = OutreachRecords(store.client, store.shop_id)
    for buyer in sorted(store.buyers(), key=lambda b: b.id):
        bought = {
            item.sku for order in store.orders_of(buyer.id) if order.status is not OrderStatus.unpaid for item in order.items
        }
        if not _in_audience(buyer, campaign.audience, bought):
            outside += 1
            continue
        opted_out = records.opted_out_at(buyer.id)
        if not may_market(buyer, opted_out):
            skipped.append(Skipped(buyer_id=buyer.id, why="replied 退订" if opted_out else "no marketing consent"))
        elif records.send_state(campaign.send_key(buyer.id)) == "sent":
            skipped.append(Skipped(buyer_id=buyer.id, why="already sent this campaign"))
        elif records.marketing_since(buyer.id, since) >= campaign.frequency_cap.max_messages:
            skipped.append(
                Skipped(
                    buyer_id=buyer.id,
                    why=f"frequency cap ({campaign.frequency_cap.max_messages} per {campaign.frequency_cap.per_days} days)",
                )
            )
        else:
            send.append(Planned(buyer_id=buyer.id, nickname=buyer.nickname, text=campaign.text))
    return Plan(
        campaign_id=campaign.id, in_window=campaign.send_window.holds(now), send=send, skipped=skipped, outside_audience=outside
    )
