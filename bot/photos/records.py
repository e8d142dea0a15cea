"""Buyers' photos in Redis (keys `photo:…`, `photos:…`, `complaint_photos:…`, see bot/store.py).

A photo is kept PHOTO_DAYS under its conversation, then Redis drops it: it is evidence for one
after-sales case, not an archive. Only the console (behind the agents' login) reads it back."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import List, Optional

from bot.models import Model
from bot.photos.checks import Image
from bot.store import ShopRecords

PHOTO_DAYS = 30
PHOTO_SECONDS = PHOTO_DAYS * 24 * 3600


class Photo(Model):
    id: str
    conversation_id: str
    content_type: str
    data: bytes
    at: datetime


class PhotoRecords(ShopRecords):
    def _photo_key(self, conversation_id: str, photo_id: str) -> str:
        return self._key("photo", conversation_id, photo_id)

    def _list_key(self, conversation_id: str) -> str:
        return self._key("photos", conversation_id)

    def _complaint_key(self, request_id: str) -> str:
        return self._key("complaint_photos", request_id)

    def save(self, conversation_id: str, image: Image, at: datetime) -> str:
        photo_id = uuid.uuid4().hex
        key, listed = self._photo_key(conversation_id, photo_id), self._list_key(conversation_id)
        pipe = self.client.pipeline()
        pipe.hset(
            key, mapping={"content_type": image.content_type, "at": at.isoformat(), "data": base64.b64encode(image.data).decode()}
        )
        pipe.expire(key, PHOTO_SECONDS)
        pipe.zadd(listed, {photo_id: at.timestamp()})
        pipe.expire(listed, PHOTO_SECONDS)
        pipe.execute()
        return photo_id

    def get(self, conversation_id: str, photo_id: str) -> Optional[Photo]:
        fields = self.client.hgetall(self._photo_key(conversation_id, photo_id))
        if not fields:
            return None
        return Photo(
            id=photo_id,
            conversation_id=conversation_id,
            content_type=fields["content_type"],
            data=base64.b64decode(fields["data"]),
            at=datetime.fromisoformat(fields["at"]),
        )

    def ids(self, conversation_id: str) -> List[str]:
        """The conversation's photos still kept, oldest first."""
        return list(self.client.zrange(self._list_key(conversation_id), 0, -1))

    def ids_since(self, conversation_id: str, since: datetime) -> List[str]:
        return list(self.client.zrangebyscore(self._list_key(conversation_id), since.timestamp(), "+inf"))

    def attach_to_complaint(self, request_id: str, photo_ids: List[str]) -> None:
        """The complaint's record (a stream entry, fixed once written) gains these photos."""
        if not photo_ids:
            return
        key = self._complaint_key(request_id)
        self.client.rpush(key, *photo_ids)
        self.client.expire(key, PHOTO_SECONDS)

    def complaint_photos(self, request_id: str) -> List[str]:
        return list(self.client.lrange(self._complaint_key(request_id), 0, -1))
