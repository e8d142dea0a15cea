"""A buyer's attachment, checked before anything is stored: a data URL (`data:image/png;base64,…`)
or `{"content_type": …, "data": <base64>}`, of a JPEG, PNG or WebP image of at most MAX_BYTES.
The bytes themselves must be of the type named, so a renamed file is refused too."""

from __future__ import annotations

import base64
import binascii
from typing import Any, List, Optional, Tuple

from bot.models import Model

MAX_BYTES = 2 * 1024 * 1024
ATTACHMENTS_FIELD = "attachments"  # in a message's metadata (REST and socket.io alike)
PHOTO_IDS_FIELD = "photo_ids"  # what the tracker keeps instead of the image itself

# content type -> how its bytes begin (WebP: "RIFF", 4 bytes of length, "WEBP")
_SIGNATURES = {
    "image/jpeg": lambda b: b.startswith(b"\xff\xd8\xff"),
    "image/png": lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/webp": lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP",
}


class Image(Model):
    content_type: str
    data: bytes


class Refusal(Model):
    """Why an attachment was not taken, in words for the buyer."""

    text: str


NOT_AN_IMAGE = "亲，这个文件暂时收不了哦～请发 JPG、PNG 或 WebP 格式的图片，我们马上帮您看～"
TOO_LARGE = "亲，这张图片有点大（超过 2MB）暂时收不了哦～麻烦压缩一下或截个图再发，给您添麻烦了～"


def _split(attachment: Any) -> Optional[Tuple[str, str]]:
    """(declared content type, base64 text), or None when it is neither accepted form."""
    if isinstance(attachment, str) and attachment.startswith("data:") and ";base64," in attachment:
        head, _, data = attachment.partition(";base64,")
        return head[len("data:") :].lower(), data
    if isinstance(attachment, dict):
        declared, encoded = attachment.get("content_type") or attachment.get("type"), attachment.get("data")
        if isinstance(declared, str) and isinstance(encoded, str):
            return declared.lower(), encoded
    return None


def check_attachment(attachment: Any) -> Image | Refusal:
    split = _split(attachment)
    if split is None or split[0] not in _SIGNATURES:
        return Refusal(text=NOT_AN_IMAGE)
    content_type, text = split
    if len(text) > (MAX_BYTES + 2) // 3 * 4 + 4:  # refuse before decoding a huge text
        return Refusal(text=TOO_LARGE)
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return Refusal(text=NOT_AN_IMAGE)
    if len(data) > MAX_BYTES:
        return Refusal(text=TOO_LARGE)
    if not _SIGNATURES[content_type](data):
        return Refusal(text=NOT_AN_IMAGE)
    return Image(content_type=content_type, data=data)


def check_attachments(attachments: Any) -> List[Image] | Refusal:
    """All of a message's images, or the first refusal (then none of them is stored)."""
    items = attachments if isinstance(attachments, list) else [attachments]
    images: List[Image] = []
    for item in items:
        checked = check_attachment(item)
        if isinstance(checked, Refusal):
            return checked
        images.append(checked)
    return images
