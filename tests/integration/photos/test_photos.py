"""Buyers' photos against a real Redis: what is accepted (type by its bytes, size), that a refusal
stores nothing, the expiry, and the photo joining the conversation's open complaint."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

from bot.clock import fixed_clock
from bot.models import ShopData
from bot.photos.checks import MAX_BYTES, NOT_AN_IMAGE, TOO_LARGE, Image, Refusal, check_attachments
from bot.photos.intake import RECEIVED, RECEIVED_FOR_COMPLAINT, acknowledge, records, take_photos
from bot.photos.records import PHOTO_SECONDS
from bot.services.aftersales import record_quality_complaint
from bot.store import ShopStore

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 64
GIF = b"GIF89a" + b"\x00" * 64


def data_url(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64," + base64.b64encode(data).decode()


def test_jpeg_png_and_webp_are_taken_in_either_form() -> None:
    webp = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 16
    checked = check_attachments(
        [
            data_url("image/png", PNG),
            {"content_type": "image/jpeg", "data": base64.b64encode(JPEG).decode()},
            data_url("image/webp", webp),
        ]
    )
    assert isinstance(checked, list)
    assert [(i.content_type, i.data) for i in checked] == [("image/png", PNG), ("image/jpeg", JPEG), ("image/webp", webp)]


def test_other_types_renamed_files_bad_base64_and_large_images_are_refused() -> None:
    assert check_attachments([data_url("image/gif", GIF)]) == Refusal(text=NOT_AN_IMAGE)
    assert check_attachments([data_url("image/png", GIF)]) == Refusal(text=NOT_AN_IMAGE)  # a GIF called PNG
    assert check_attachments(["data:image/png;base64,@@not base64@@"]) == Refusal(text=NOT_AN_IMAGE)
    assert check_attachments(["https://example.com/x.png"]) == Refusal(text=NOT_AN_IMAGE)
    big = PNG + b"\x00" * MAX_BYTES
    assert check_attachments([data_url("image/png", big)]) == Refusal(text=TOO_LARGE)
    just_fits = PNG + b"\x00" * (MAX_BYTES - len(PNG))
    assert check_attachments([data_url("image/png", just_fits)]) == [Image(content_type="image/png", data=just_fits)]
    assert "亲" in NOT_AN_IMAGE and "2MB" in TOO_LARGE


def test_a_refused_message_stores_nothing_even_beside_a_good_image(store: ShopStore, demo: ShopData) -> None:
    metadata = {"attachments": [data_url("image/png", PNG), data_url("image/gif", GIF)], "item_id": "T001"}
    assert take_photos(store, "buyer_a", metadata, NOW) == NOT_AN_IMAGE
    assert records(store).ids("buyer_a") == []
    assert not store.client.keys("shop:*:photo*")


def test_a_taken_photo_is_kept_under_its_conversation_for_30_days(store: ShopStore, demo: ShopData) -> None:
    metadata = {"attachments": [data_url("image/jpeg", JPEG)], "item_id": "T001"}
    assert take_photos(store, "buyer_a", metadata, NOW) is None
    # The tracker keeps the id only, never the image.
    assert "attachments" not in metadata and metadata["item_id"] == "T001"
    (photo_id,) = metadata["photo_ids"]
    photos = records(store)
    assert photos.ids("buyer_a") == [photo_id]
    photo = photos.get("buyer_a", photo_id)
    assert photo is not None and photo.data == JPEG and photo.content_type == "image/jpeg" and photo.at == NOW
    assert photos.get("buyer_b", photo_id) is None  # only under its own conversation
    for key in store.client.keys("shop:*:photo*"):
        assert 0 < store.client.ttl(key) <= PHOTO_SECONDS


def test_a_photo_after_a_complaint_is_attached_to_it(store: ShopStore, demo: ShopData) -> None:
    product = store.product("T001")
    record_quality_complaint(store, "buyer_a", "buyer_a", "衣服开线了", product, None, fixed_clock(NOW))
    metadata = {"attachments": [data_url("image/png", PNG)]}
    take_photos(store, "buyer_a", metadata, NOW)
    assert acknowledge(store, "buyer_a", metadata["photo_ids"], NOW) == RECEIVED_FOR_COMPLAINT
    found = store.latest_request("buyer_a", "quality_complaint")
    assert found is not None
    assert records(store).complaint_photos(found[0]) == metadata["photo_ids"]
    # Another buyer's photo joins no one's complaint.
    other = {"attachments": [data_url("image/png", PNG)]}
    take_photos(store, "buyer_b", other, NOW)
    assert acknowledge(store, "buyer_b", other["photo_ids"], NOW) == RECEIVED
    assert records(store).complaint_photos(found[0]) == metadata["photo_ids"]


def test_the_agents_transcript_names_the_photos_of_a_buyer_line() -> None:
    from bot.console.summary import transcript

    events = [
        {"event": "user", "text": "", "timestamp": 1.0, "metadata": {"photo_ids": ["p1", "p2"]}},
        {"event": "user", "text": "还有", "timestamp": 2.0, "metadata": {}},
    ]
    assert [line.photo_ids for line in transcript({"events": events})] == [["p1", "p2"], []]


def test_photos_sent_just_before_the_complaint_join_it(store: ShopStore, demo: ShopData) -> None:
    from datetime import timedelta

    from bot.photos.intake import attach_earlier_photos

    old = {"attachments": [data_url("image/png", PNG)]}
    take_photos(store, "buyer_a", old, NOW - timedelta(hours=3))  # another matter, long before
    recent = {"attachments": [data_url("image/jpeg", JPEG)]}
    take_photos(store, "buyer_a", recent, NOW - timedelta(minutes=5))
    record_quality_complaint(store, "buyer_a", "buyer_a", "洗了一次就掉色", store.product("T001"), None, fixed_clock(NOW))
    assert attach_earlier_photos(store, "buyer_a", NOW) == recent["photo_ids"]
    found = store.latest_request("buyer_a", "quality_complaint")
    assert found is not None and records(store).complaint_photos(found[0]) == recent["photo_ids"]
