"""The shop's own knowledge: answers the owner keeps (bot/knowledge/)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional

from pydantic import Field, root_validator, validator

from bot.models.base import Model, require_offset


class KnowledgeEntry(Model):
    """One answer the shop writes itself (invoices, 花呗, care, coupons…), found without retraining:
    the buyer's words are matched against its questions and keywords (bot/knowledge/)."""

    key: str = Field(regex=r"^[a-z0-9_]{1,64}$")
    # What kind of shop-policy question it answers (invoice, payment_method…): the dialogue
    # evaluation's faq:<topic>, and how entries are grouped; the key when not given.
    topic: Optional[str] = Field(default=None, regex=r"^[a-z0-9_]{1,64}$")
    question: str = Field(min_length=1, max_length=200)
    similar: List[str] = []  # other ways buyers ask it
    keywords: List[str] = []  # any of these words in a message is enough (after normalisation)
    negative: List[str] = []  # questions that must never get this answer
    # Words that continue this entry's topic right after the assistant answered that topic
    # ("邮箱", "电子的" after the invoice answer): a follow-up the classifier cannot read alone.
    follow_up_keywords: List[str] = []
    answer: str = Field(min_length=1, max_length=1000)
    image_url: Optional[str] = Field(default=None, regex=r"^https?://")
    quick_replies: List[str] = Field(default=[], max_items=5)
    valid_from: Optional[datetime] = None
    valid_until: Optional[datetime] = None
    enabled: bool = True
    # An answer from the shop's data (shipping, sizes, orders, stock, an item's facts) keeps
    # priority over a keyword when the classifier is sure of it, unless the entry says otherwise.
    overrides_intents: bool = False
    # Shop facts its answer still needs (a default-pack entry the shop has not filled in): never live.
    missing_facts: List[str] = []

    _valid_from_has_offset = validator("valid_from", allow_reuse=True)(lambda value: require_offset(value))
    _valid_until_has_offset = validator("valid_until", allow_reuse=True)(lambda value: require_offset(value))

    @validator("similar", "keywords", "negative", "follow_up_keywords", "quick_replies", each_item=True)
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @root_validator(skip_on_failure=True)
    def _window(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        start, end = values.get("valid_from"), values.get("valid_until")
        if start and end and end <= start:
            raise ValueError("valid_until must be after valid_from")
        return values

    @property
    def group(self) -> str:
        return self.topic or self.key

    def live(self, now: datetime) -> bool:
        """Enabled and inside its validity window (a 双十一 coupon answer expires by itself)."""
        if not self.enabled or self.missing_facts:
            return False
        return (self.valid_from is None or now >= self.valid_from) and (self.valid_until is None or now < self.valid_until)
