"""The channels' own Redis work (bot/channels/records.py): a retried message is answered once,
a signature is taken once."""

from __future__ import annotations

from bot.channels.records import PENDING, ChannelRecords
from bot.store import ShopStore


def test_a_message_id_is_claimed_once_and_a_retry_gets_the_stored_replies(store: ShopStore) -> None:
    records = ChannelRecords(store.client, store.shop_id)
    assert records.claim_message_id("buyer_xiaomei", "m1") is None  # new: ours to answer
    assert records.claim_message_id("buyer_xiaomei", "m1") == PENDING  # still being answered
    assert records.claim_message_id("buyer_dawei", "m1") is None  # ids are per sender
    records.finish_message_id("buyer_xiaomei", "m1", '[{"text": "亲，在的"}]')
    assert records.claim_message_id("buyer_xiaomei", "m1") == '[{"text": "亲，在的"}]'


def test_a_released_message_id_is_processed_again(store: ShopStore) -> None:
    records = ChannelRecords(store.client, store.shop_id)
    assert records.claim_message_id("buyer_xiaomei", "m2") is None
    records.release_message_id("buyer_xiaomei", "m2")  # the delivery failed before anything was stored
    assert records.claim_message_id("buyer_xiaomei", "m2") is None


def test_a_signature_is_taken_once(store: ShopStore) -> None:
    records = ChannelRecords(store.client, store.shop_id)
    assert records.claim_signature("abc", 60) and not records.claim_signature("abc", 60)
    assert 0 < store.client.ttl(f"shop:{store.shop_id}:signature:abc") <= 60
