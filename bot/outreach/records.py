"""Keeping in touch's Redis work (keys `opt_outs`, `outreach:…`, `marketing_log:…`,
`follow_up_pending:…`, `follow_up_answers`, `unpaid_remind…`; the table is in bot/store.py): who
opted out, which proactive messages went out, the marketing frequency cap, the follow-up question
and its answers, and the 催付 reminders sent (the per-buyer daily cap, the owner's 催付 conversion)."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any, List, Optional, Tuple

from bot.models import FollowUpAnswer
from bot.store import Read, ShopRecords

SEND_STALE_SECONDS = 120  # a `sending` older than this was left by a run that died
SEND_KEEP_SECONDS = 400 * 86400  # a year of sends: a campaign or birthday is never sent twice


class OutreachRecords(ShopRecords):
    # -- consent -----------------------------------------------------------------------------
    def opt_out(self, buyer_id: str, at: datetime) -> None:
        self.client.hset(self._key("opt_outs"), buyer_id, at.isoformat())

    def opted_out_at(self, buyer_id: str) -> Optional[datetime]:
        raw = self.client.hget(self._key("opt_outs"), buyer_id)
        return datetime.fromisoformat(raw) if raw else None

    # -- sends -------------------------------------------------------------------------------
    def claim_send(self, send_key: str, now: Optional[float] = None) -> Optional[str]:
        """Take a proactive message to send: None when it is ours now; else its state (`sent`,
        or `sending` while another run has it). One left `sending` by a run that died is taken
        over: its delivery carries the send key as message id, so it is never shown twice."""
        key, now = self._key("outreach", send_key), now if now is not None else time.time()
        if self.client.set(key, f"sending:{now}", nx=True, ex=SEND_KEEP_SECONDS):
            return None
        state = self.client.get(key) or "sending:0"
        if state.startswith("sending:"):
            if now - float(state.split(":", 1)[1] or 0) > SEND_STALE_SECONDS:
                self.client.set(key, f"sending:{now}", ex=SEND_KEEP_SECONDS)
                return None
            return "sending"
        return state

    def finish_send(self, send_key: str, sent: bool) -> None:
        key = self._key("outreach", send_key)
        if sent:
            self.client.set(key, "sent", ex=SEND_KEEP_SECONDS)
        else:
            self.client.delete(key)  # not delivered: the next run tries again

    def send_state(self, send_key: str) -> Optional[str]:
        return self.client.get(self._key("outreach", send_key))

    def log_marketing(self, buyer_id: str, message_id: str, at: datetime) -> None:
        self.client.zadd(self._key("marketing_log", buyer_id), {message_id: at.timestamp()})

    def marketing_since(self, buyer_id: str, since: datetime) -> int:
        return int(self.client.zcount(self._key("marketing_log", buyer_id), since.timestamp(), "+inf"))

    # -- the follow-up question --------------------------------------------------------------
    def ask_follow_up(self, buyer_id: str, order_id: str, seconds: int) -> None:
        self.client.set(self._key("follow_up_pending", buyer_id), order_id, ex=seconds)

    def forget_follow_up(self, buyer_id: str) -> None:
        self.client.delete(self._key("follow_up_pending", buyer_id))

    def pending_follow_up(self, buyer_id: str) -> Optional[str]:
        return self.client.get(self._key("follow_up_pending", buyer_id))

    def read_pending_follow_up(self, pipe: Any, buyer_id: str) -> Read:
        pipe.get(self._key("follow_up_pending", buyer_id))
        return lambda replies: next(replies)

    def record_follow_up_answer(self, buyer_id: str, answer: FollowUpAnswer) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self._key("follow_up_answers"), answer.order_id, answer.json())
        pipe.delete(self._key("follow_up_pending", buyer_id))
        pipe.execute()

    def follow_up_answer(self, order_id: str) -> Optional[FollowUpAnswer]:
        raw = self.client.hget(self._key("follow_up_answers"), order_id)
        return FollowUpAnswer.parse_raw(raw) if raw else None

    # -- 催付 reminders sent ------------------------------------------------------------------
    def record_reminder(self, order_id: str, buyer_id: str, at: datetime) -> None:
        """Idempotent: a delivery taken over after a crash keeps the order's first reminder time."""
        shop_wide, of_buyer = self._key("unpaid_reminders"), self._key("unpaid_reminded", buyer_id)
        pipe = self.client.pipeline(transaction=True)
        pipe.zadd(shop_wide, {order_id: at.timestamp()}, nx=True)
        pipe.zadd(of_buyer, {order_id: at.timestamp()}, nx=True)
        pipe.zremrangebyscore(of_buyer, "-inf", at.timestamp() - 2 * 86400)  # only today's count matters
        pipe.expire(of_buyer, 2 * 86400)
        pipe.zremrangebyscore(shop_wide, "-inf", at.timestamp() - SEND_KEEP_SECONDS)  # a year of conversion numbers
        pipe.execute()

    def reminded_since(self, buyer_id: str, since: datetime) -> int:
        return int(self.client.zcount(self._key("unpaid_reminded", buyer_id), since.timestamp(), "+inf"))

    def reminded_between(self, since: datetime, until: datetime) -> List[Tuple[str, datetime]]:
        """(order id, when reminded) of the reminders sent in [since, until)."""
        found = self.client.zrangebyscore(
            self._key("unpaid_reminders"), since.timestamp(), f"({until.timestamp()}", withscores=True
        )
        return [(str(order_id), datetime.fromtimestamp(score, timezone.utc)) for order_id, score in found]
