"""A buyer message's photos, as both channels' gate (bot/channels/gate.py) takes them: checked and
stored before the turn (a refused one stores nothing and is answered politely), the metadata then
keeps only the photo ids; a photo on its own is acknowledged and joins the open complaint."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from bot.models import RequestKind
from bot.photos.checks import ATTACHMENTS_FIELD, PHOTO_IDS_FIELD, Refusal, check_attachments
from bot.photos.records import PHOTO_DAYS, PhotoRecords
from bot.store import ShopStore

RECEIVED_FOR_COMPLAINT = "亲，照片收到了，已经附在您反馈的问题上～客服同事查看后会尽快给您处理方案，请稍等哦～"
RECEIVED = "亲，照片收到了～客服同事会查看的。方便的话说说是哪里有问题，我们好尽快帮您处理～"


def records(store: ShopStore) -> PhotoRecords:
    return PhotoRecords(store.client, store.shop_id)


def has_attachments(metadata: Optional[Dict[str, Any]]) -> bool:
    return bool(metadata) and ATTACHMENTS_FIELD in metadata  # type: ignore[operator]


def take_photos(store: ShopStore, conversation_id: str, metadata: Dict[str, Any], now: datetime) -> Optional[str]:
    """Stores the attachments and puts their ids in the metadata in their place (the tracker never
    holds the image); returns the polite refusal instead when one is not an accepted image."""
    checked = check_attachments(metadata.pop(ATTACHMENTS_FIELD))
    if isinstance(checked, Refusal):
        return checked.text
    photos = records(store)
    metadata[PHOTO_IDS_FIELD] = [photos.save(conversation_id, image, now) for image in checked]
    return None


def photo_ids(metadata: Optional[Dict[str, Any]]) -> List[str]:
    ids = (metadata or {}).get(PHOTO_IDS_FIELD)
    return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []


def attach_to_open_complaint(store: ShopStore, conversation_id: str, ids: List[str], now: datetime) -> bool:
    """The conversation's latest quality complaint (of the photos' lifetime) gains the photos."""
    found = store.latest_request(conversation_id, RequestKind.quality_complaint.value)
    if found is None or now - found[1].created_at > timedelta(days=PHOTO_DAYS):
        return False
    records(store).attach_to_complaint(found[0], ids)
    return True


# A photo sent shortly before the buyer's words about the problem belongs to that complaint.
EARLIER_PHOTOS = timedelta(hours=1)


def attach_earlier_photos(store: ShopStore, conversation_id: str, now: datetime) -> List[str]:
    """When a complaint is recorded: the photos the buyer sent just before join it."""
    ids = records(store).ids_since(conversation_id, now - EARLIER_PHOTOS)
    if ids:
        attach_to_open_complaint(store, conversation_id, ids, now)
    return ids


def acknowledge(store: ShopStore, conversation_id: str, ids: List[str], now: datetime) -> str:
    return RECEIVED_FOR_COMPLAINT if attach_to_open_complaint(store, conversation_id, ids, now) else RECEIVED
