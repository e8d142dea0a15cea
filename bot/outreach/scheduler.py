"""The durable schedule: birthday wishes, follow-ups after delivery and 催付 reminders.

Nothing is queued ahead: every tick (a minute, `python -m bot.outreach`, started by `make run`)
works out from the shop's data what is due now, and each message's send key in Redis
(OutreachRecords.claim_send) says whether it went out. So a restart loses nothing (the next tick finds
what is still due) and repeats nothing (a sent key is never sent again). Messages go out only in
the shop's working hours; one due at night waits for the morning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from bot.clock import Clock
from bot.hours import in_working_hours
from bot.models import OrderStatus, RequestKind, Shop
from bot.outreach.consent import may_market, may_remind
from bot.outreach.sender import OutreachSender
from bot.replies import outreach as outreach_replies
from bot.services.unpaid import MAX_REMINDERS_A_DAY, is_due, reminder_facts

logger = logging.getLogger(__name__)

FOLLOW_UP_LATE_DAYS = 7  # a follow-up more than this overdue (the feature was off) is not sent
FOLLOW_UP_ANSWER_SECONDS = 7 * 86400  # how long an answer to it counts as one


@dataclass
class Tick:
    birthdays: int = 0
    follow_ups: int = 0
    unpaid_reminders: int = 0


class OutreachScheduler:
    def __init__(self, sender: OutreachSender, clock: Clock) -> None:
        self.sender = sender
        self.store = sender.store
        self.records = sender.records
        self.clock = clock

    async def tick(self) -> Tick:
        now = self.clock()
        done = Tick()
        shop = self.store.shop()
        if not in_working_hours(shop.policy.working_hours, now):
            return done
        done.birthdays = await self._birthdays(shop, now)
        done.follow_ups = await self._follow_ups(shop.policy.follow_up_days, now)
        done.unpaid_reminders = await self._unpaid_reminders(shop, now)
        return done

    async def _birthdays(self, shop: Shop, now: datetime) -> int:
        coupon = shop.policy.birthday_coupon
        sent = 0
        for buyer in self.store.buyers():
            if buyer.birthday != now.strftime("%m-%d") or not may_market(buyer, self.records.opted_out_at(buyer.id)):
                continue
            text = outreach_replies.birthday_wish(
                shop,
                buyer,
                coupon.yuan if coupon else None,
                coupon.min_order_yuan if coupon else 0,
                coupon.valid_days if coupon else 0,
            )
            sent += await self.sender.send_once(f"birthday:{now.year}:{buyer.id}", buyer.id, text, now, marketing=True)
        return sent

    async def _follow_ups(self, days: Optional[int], now: datetime) -> int:
        if days is None:
            return 0
        sent = 0
        for order in self.store.orders():
            if order.status is not OrderStatus.delivered or order.delivered_at is None:
                continue
            due = order.delivered_at + timedelta(days=days)
            if not due <= now < due + timedelta(days=FOLLOW_UP_LATE_DAYS):
                continue
            if self.records.opted_out_at(order.buyer_id) is not None:
                continue  # 退订 stops every message the shop starts, this one too
            if self.records.send_state(f"follow_up:{order.id}") == "sent":
                continue
            product = self.store.product(order.items[0].sku)
            # Ask first, then send: an answer that comes in at once finds the question asked.
            self.records.ask_follow_up(order.buyer_id, order.id, FOLLOW_UP_ANSWER_SECONDS)
            went = await self.sender.send_once(
                f"follow_up:{order.id}",
                order.buyer_id,
                outreach_replies.follow_up_question(order, product),
                now,
                marketing=False,
            )
            sent += went
        return sent

    async def _unpaid_reminders(self, shop: Shop, now: datetime) -> int:
        """催付: one reminder per unpaid order (send key unpaid:{order}), oldest order first, at
        most MAX_REMINDERS_A_DAY a day per buyer."""
        due = sorted((o for o in self.store.orders() if is_due(o, shop.policy, now)), key=lambda o: o.created_at)
        if not due:
            return 0
        cancelled = {r.order_id for r in self.store.requests(RequestKind.cancel.value)}  # the buyer asked to cancel
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)  # the shop's day
        sent = 0
        for order in due:
            send_key = f"unpaid:{order.id}"
            if order.id in cancelled or self.records.send_state(send_key) == "sent":
                continue
            buyer = self.store.buyer(order.buyer_id)
            if not may_remind(buyer, self.records.opted_out_at(order.buyer_id)):
                continue
            if self.records.reminded_since(order.buyer_id, midnight) >= MAX_REMINDERS_A_DAY:
                continue
            facts = reminder_facts(order, self.store.product(order.items[0].sku), buyer, shop.policy, now)
            if await self.sender.send_once(
                send_key, order.buyer_id, outreach_replies.unpaid_reminder(facts), now, marketing=False
            ):
                self.records.record_reminder(order.id, order.buyer_id, now)
                sent += 1
        return sent
