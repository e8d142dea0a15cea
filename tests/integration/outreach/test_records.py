"""Keeping in touch's own Redis work (bot/outreach/records.py): a send goes out once, even
across a run that died; the follow-up question and the 催付 log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.models import FollowUpAnswer, Satisfaction
from bot.outreach.records import SEND_STALE_SECONDS, OutreachRecords
from bot.store import ShopStore

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=timezone.utc)


def records(store: ShopStore) -> OutreachRecords:
    return OutreachRecords(store.client, store.shop_id)


def test_a_send_is_claimed_once_and_a_dead_runs_send_is_taken_over(store: ShopStore) -> None:
    sends = records(store)
    assert sends.claim_send("birthday:2026:buyer_xiaomei", now=1000.0) is None
    assert sends.claim_send("birthday:2026:buyer_xiaomei", now=1001.0) == "sending"  # another run has it
    assert sends.claim_send("birthday:2026:buyer_xiaomei", now=1000.0 + SEND_STALE_SECONDS + 1) is None  # it died
    sends.finish_send("birthday:2026:buyer_xiaomei", sent=True)
    assert sends.claim_send("birthday:2026:buyer_xiaomei") == "sent"
    assert sends.send_state("birthday:2026:buyer_xiaomei") == "sent"


def test_a_send_not_delivered_is_tried_again(store: ShopStore) -> None:
    sends = records(store)
    assert sends.claim_send("unpaid:o1") is None
    sends.finish_send("unpaid:o1", sent=False)
    assert sends.send_state("unpaid:o1") is None and sends.claim_send("unpaid:o1") is None


def test_opt_out_and_the_marketing_log(store: ShopStore) -> None:
    kept = records(store)
    assert kept.opted_out_at("buyer_dawei") is None
    kept.opt_out("buyer_dawei", NOW)
    assert kept.opted_out_at("buyer_dawei") == NOW
    kept.log_marketing("buyer_dawei", "campaign:c1:buyer_dawei", NOW - timedelta(days=10))
    kept.log_marketing("buyer_dawei", "birthday:2026:buyer_dawei", NOW)
    assert kept.marketing_since("buyer_dawei", NOW - timedelta(days=7)) == 1


def test_an_answer_closes_the_follow_up_question(store: ShopStore) -> None:
    kept = records(store)
    kept.ask_follow_up("buyer_xiaomei", "o1", 3600)
    assert kept.pending_follow_up("buyer_xiaomei") == "o1"
    answer = FollowUpAnswer(order_id="o1", rating=Satisfaction.satisfied, words="满意", at=NOW)
    kept.record_follow_up_answer("buyer_xiaomei", answer)
    assert kept.pending_follow_up("buyer_xiaomei") is None and kept.follow_up_answer("o1") == answer


def test_the_reminder_log_keeps_the_first_time_and_counts_the_buyers_day(store: ShopStore) -> None:
    kept = records(store)
    kept.record_reminder("o1", "buyer_xiaomei", NOW)
    kept.record_reminder("o1", "buyer_xiaomei", NOW + timedelta(minutes=5))  # a delivery taken over
    kept.record_reminder("o2", "buyer_xiaomei", NOW + timedelta(hours=1))
    assert kept.reminded_since("buyer_xiaomei", NOW) == 2 and kept.reminded_since("buyer_dawei", NOW) == 0
    assert kept.reminded_between(NOW, NOW + timedelta(hours=1)) == [("o1", NOW)]
