"""Keeping in touch's Redis work (keys `opt_outs`, `outreach:…`, `marketing_log:…`,
`follow_up_pending:…`, `follow_up_answers`; the table is in bot/store.py): who opted out, which
proactive messages went out, the marketing frequency cap, and the follow-up question and its
answers. The 催付 log is bot/outreach/reminder_log.py."""
from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Optional


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
