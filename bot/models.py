"""Typed models of the shop's data. The store returns these, never raw hashes.

Money is in yuan (float with two decimals is enough for display; nothing here does arithmetic
beyond sums and comparisons), times are timezone-aware datetimes, heights and lengths in cm,
weights in kg.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field, root_validator, validator


class Model(BaseModel):
    class Config:
        extra = "forbid"  # a typo in a data file must be an error, not silently ignored
        allow_mutation = False


def _with_offset(value: Optional[datetime]) -> Optional[datetime]:
    """A time without a UTC offset is ambiguous (whose 11:00?): refused, not guessed."""
    if value is not None and value.utcoffset() is None:
        raise ValueError("needs a UTC offset, e.g. 2026-11-24T11:00:00+08:00")
    return value


class Courier(Model):
    code: str
    name: str
    fee: float = Field(ge=0, description="fee in yuan; for upgrades, the extra over the default")


class GiftRule(Model):
    allowed: bool = False
    description: str = ""
    min_order_amount: float = Field(default=0, ge=0)


class ReturningCustomerPerks(Model):
    """Who counts as a returning customer and exactly what the shop gives them."""

    tag: str = "老客"
    min_past_orders: int = Field(default=3, ge=1)
    free_shipping: bool = False
    coupon_yuan: float = Field(default=0, ge=0)
    gift: str = ""


class HandoffMode(str, Enum):
    """Who answers first when a chat could go to a person (店小蜜's 助手优先 / 人工优先 / 仅助手)."""

    assistant_first = "assistant_first"  # the assistant answers; people take what it hands over
    human_first = "human_first"  # in working hours with an agent online, new chats queue first
    assistant_only = "assistant_only"  # never queue: record the request for the shop instead


class BirthdayCoupon(Model):
    yuan: float = Field(gt=0)
    min_order_yuan: float = Field(default=0, ge=0)
    valid_days: int = Field(default=7, ge=1, le=90)


class Range(Model):
    min: float
    max: float

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: dict) -> dict:
        if values["min"] > values["max"]:
            raise ValueError("min must not exceed max")
        return values

    def contains(self, value: float) -> bool:
        return self.min <= value <= self.max


class InvoicePolicy(Model):
    types: List[str] = Field(min_items=1)  # e.g. [电子普通发票]
    timing: str = Field(min_length=1, description="when it is issued, e.g. 确认收货后1-3个工作日内")
    change_days: Optional[int] = Field(default=None, ge=1, le=3650)  # how long after issue it can be changed


class Policy(Model):
    free_shipping_threshold: float = Field(ge=0)
    free_shipping_excluded_regions: List[str] = []
    same_day_cutoff_hour: int = Field(ge=0, le=24)
    default_courier: Courier
    upgrade_couriers: List[Courier] = []
    return_window_days: int = Field(ge=0)
    no_reason_return_excluded_categories: List[str] = []
    gift: GiftRule = GiftRule()
    returning_customer: ReturningCustomerPerks = ReturningCustomerPerks()
    working_hours: str = "09:00-23:00"
    # Returns/refunds on orders whose total is above this many yuan go to a human; None: never.
    handoff_refund_over: Optional[float] = Field(default=None, ge=0)
    handoff_mode: HandoffMode = HandoffMode.assistant_first
    # In working hours: how long a waiting chat waits for an agent before the buyer gets one
    # update (and, in human_first, before the assistant answers it).
    handoff_wait_minutes: int = Field(default=10, ge=0, le=24 * 60)
    # A conversation converts when its buyer orders within this many hours of its start.
    conversion_window_hours: int = Field(default=72, ge=1, le=90 * 24)
    # The shop's own complaint reasons (reason -> the buyer's words that mean it), tried before
    # data/lexicon/complaint_reasons.yml when complaints are counted and reported.
    complaint_reasons: Dict[str, List[str]] = {}
    # Days after delivery when one message asks how the order went (满意 / 一般 / 不满意, or
    # 1-5); None: no follow-up. An unhappy answer gets an apology and the after-sales path,
    # and a person when `follow_up_unhappy_to_human`.
    follow_up_days: Optional[int] = Field(default=None, ge=0, le=60)
    follow_up_unhappy_to_human: bool = True
    # Minutes after an order is placed when, still unpaid, its buyer gets one friendly reminder
    # (催付, bot/services/unpaid.py; in working hours only); 0: no reminders.
    unpaid_reminder_minutes: int = Field(default=30, ge=0, le=24 * 60)
    # The shop's real birthday coupon, sent with the birthday wish; None: a wish without one.
    birthday_coupon: Optional[BirthdayCoupon] = None
    # Facts the default knowledge pack's answers are built from (data/knowledge/clothing_pack.yml);
    # an answer needing one the shop has not given stays off (listed as 待填写), never invented.
    invoice: Optional[InvoicePolicy] = None
    payment_methods: List[str] = []  # e.g. [支付宝, 花呗, 信用卡]
    payment_methods_not: List[str] = []  # what the shop does not take, e.g. [货到付款]
    price_protection_days: Optional[int] = Field(default=None, ge=1, le=365)
    warranty_days: Optional[int] = Field(default=None, ge=1, le=3650)  # free repair of workmanship faults
    authenticity: Optional[str] = Field(default=None, min_length=1, max_length=200)  # the shop's own words
    ship_from: Optional[str] = Field(default=None, min_length=1, max_length=40)  # the warehouse's city
    # Days from dispatch to delivery by the default courier, per region (province short name);
    # `其他` covers the regions not named. Unset: the assistant never promises an arrival day.
    transit_days: Dict[str, Range] = {}

    @validator("working_hours")
    def _hours_format(cls, value: str) -> str:
        start, _, end = value.partition("-")
        minutes = []
        for part in (start, end):
            hour, _, minute = part.partition(":")
            if not (hour.isdigit() and minute.isdigit() and int(minute) < 60 and int(hour) * 60 + int(minute) <= 24 * 60):
                raise ValueError("must look like 09:00-23:00")
            minutes.append(int(hour) * 60 + int(minute))
        if minutes[0] == minutes[1]:
            raise ValueError("starts and ends at the same time, which would mean never open (all day: 00:00-24:00)")
        return value


    def transit(self, region: Optional[str]) -> Optional[Range]:
        return self.transit_days.get(region or "") or self.transit_days.get("其他")


class Shop(Model):
    id: str
    name: str
    policy: Policy


class Fit(str, Enum):
    runs_small = "runs_small"
    true_to_size = "true_to_size"
    runs_large = "runs_large"


class SizeChartRow(Model):
    size: str
    height_cm: Range
    weight_kg: Range
    bust_cm: Optional[Range] = None
    waist_cm: Optional[Range] = None


class Material(Model):
    name: str
    composition: str
    breathable: Optional[bool] = None
    stretch: Optional[str] = None  # none / slight / high
    thickness: Optional[str] = None  # thin / medium / thick
    care: str = ""


class Variant(Model):
    colour: str
    size: str = "均码"
    stock: int = Field(ge=0)


class Product(Model):
    sku: str
    name: str
    category: str
    aliases: List[str] = []
    price: float = Field(gt=0)
    material: Material
    colours: List[str]
    variants: List[Variant]
    size_chart: List[SizeChartRow] = []
    fit: Fit = Fit.true_to_size
    description: str = ""
    restricted_regions: List[str] = []
    restriction_reason: str = ""
    # What a buyer may ask for that the material does not say (冬季, 加厚, 送礼, 宽松…): the
    # recommendations match them (bot/services/recommend.py).
    tags: List[str] = Field(default=[], max_items=20)
    image_url: Optional[str] = Field(default=None, regex=r"^https?://\S+$")
    size_chart_image_url: Optional[str] = Field(default=None, regex=r"^https?://\S+$")  # shown with the size answer

    @validator("tags", each_item=True)
    def _tag_is_a_word(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > 10:
            raise ValueError("a tag is a short word (1-10 characters), e.g. 冬季")
        return value

    @validator("tags")
    def _tags_unique(cls, value: List[str]) -> List[str]:
        if len(set(value)) != len(value):
            raise ValueError("a tag is listed twice")
        return value

    @root_validator(skip_on_failure=True)
    def _variants_use_known_colours(cls, values: dict) -> dict:
        colours = set(values["colours"])
        for variant in values["variants"]:
            if variant.colour not in colours:
                raise ValueError(f"variant colour {variant.colour!r} is not in colours")
        chart_sizes = [row.size for row in values["size_chart"]]
        if chart_sizes:
            for variant in values["variants"]:
                if variant.size not in chart_sizes:
                    raise ValueError(f"variant size {variant.size!r} is not in size_chart")
        return values

    @property
    def sizes(self) -> List[str]:
        """Sizes in chart order (smallest first), or the variants' sizes when there is no chart."""
        if self.size_chart:
            return [row.size for row in self.size_chart]
        seen: List[str] = []
        for variant in self.variants:
            if variant.size not in seen:
                seen.append(variant.size)
        return seen

    def stock_of(self, colour: Optional[str] = None, size: Optional[str] = None) -> int:
        return sum(
            v.stock
            for v in self.variants
            if (colour is None or v.colour == colour) and (size is None or v.size == size)
        )


class MarketingConsent(Model):
    """When and where the buyer agreed to marketing messages (the shop's own record)."""

    at: datetime
    source: str = Field(min_length=1, description="e.g. 下单页勾选, 会员注册, 聊天中同意")


class Buyer(Model):
    id: str
    nickname: str
    tags: List[str] = []
    past_orders: int = Field(default=0, ge=0)
    # Marketing (campaigns, birthday wishes) only with consent; None: never. A buyer who replies
    # 退订 is opted out in Redis at once (ShopStore.opt_out), whatever a later file load says,
    # unless the file records a consent given after that.
    marketing_opt_in: Optional[MarketingConsent] = None
    birthday: Optional[str] = Field(default=None, regex=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", description="MM-DD")
    region: str = ""


class OrderStatus(str, Enum):
    unpaid = "unpaid"
    paid = "paid"
    shipped = "shipped"
    delivered = "delivered"
    returned = "returned"


class OrderItem(Model):
    sku: str
    colour: str
    size: str = "均码"
    quantity: int = Field(default=1, ge=1)
    unit_price: float = Field(gt=0)


class Order(Model):
    id: str
    buyer_id: str
    items: List[OrderItem] = Field(min_items=1)
    status: OrderStatus
    created_at: datetime
    paid_at: Optional[datetime] = None
    shipped_at: Optional[datetime] = None
    delivered_at: Optional[datetime] = None
    courier: Optional[str] = None
    tracking_number: Optional[str] = None
    region: str
    shipping_fee: float = Field(default=0, ge=0)

    _times_have_offsets = validator("created_at", "paid_at", "shipped_at", "delivered_at", allow_reuse=True)(
        lambda value: _with_offset(value)
    )

    @root_validator(skip_on_failure=True)
    def _times_match_status(cls, values: dict) -> dict:
        status = values["status"]
        needs = {
            OrderStatus.paid: ["paid_at"],
            OrderStatus.shipped: ["paid_at", "shipped_at", "courier", "tracking_number"],
            OrderStatus.delivered: [
                "paid_at",
                "shipped_at",
                "delivered_at",
                "courier",
                "tracking_number",
            ],
            OrderStatus.returned: ["paid_at"],
        }.get(status, [])
        missing = [name for name in needs if values.get(name) is None]
        if missing:
            raise ValueError(f"status {status.value} needs {', '.join(missing)}")
        return values

    @property
    def total(self) -> float:
        return round(sum(i.unit_price * i.quantity for i in self.items) + self.shipping_fee, 2)

    def holds(self, sku: str) -> bool:
        return any(item.sku == sku for item in self.items)


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

    _valid_from_has_offset = validator("valid_from", allow_reuse=True)(lambda value: _with_offset(value))
    _valid_until_has_offset = validator("valid_until", allow_reuse=True)(lambda value: _with_offset(value))

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


class ShopData(Model):
    """Everything one data file holds."""

    shop: Shop
    products: List[Product] = []
    buyers: List[Buyer] = []
    orders: List[Order] = []
    knowledge: List[KnowledgeEntry] = []
    # The default pack (bot/knowledge/pack.py) comes with every shop unless switched off; entries
    # named here are left out of it, and an entry of `knowledge` with a pack key replaces that one.
    knowledge_pack: bool = True
    knowledge_drop: List[str] = []
    # The moment the file's times describe (a demo's "now"); `load-demo` moves them to today.
    as_of: Optional[datetime] = None

    _as_of_has_offset = validator("as_of", allow_reuse=True)(lambda value: _with_offset(value))

    def moved_to(self, now: datetime) -> "ShopData":
        """The same data with every order time moved by whole days so that `as_of`'s day is
        `now`'s day: the orders keep their clock times, the cut-off rule gives them the same
        dispatch days, and so the same one is late. A time that would lie after `now` (early
        on the demo's day) is kept a minute before it."""
        if self.as_of is None:
            return self
        shift = timedelta(days=(now.date() - self.as_of.astimezone(now.tzinfo).date()).days)
        latest = now - timedelta(minutes=1)

        def moved(value: Optional[datetime]) -> Optional[datetime]:
            return None if value is None else min(value + shift, latest)

        orders = [
            order.copy(update={
                name: moved(getattr(order, name)) for name in ("created_at", "paid_at", "shipped_at", "delivered_at")
            })
            for order in self.orders
        ]
        return self.copy(update={"orders": orders, "as_of": self.as_of + shift})


class Satisfaction(str, Enum):
    satisfied = "satisfied"
    neutral = "neutral"
    unsatisfied = "unsatisfied"


class FollowUpAnswer(Model):
    """A buyer's answer to the follow-up after delivery, recorded against the order."""

    order_id: str
    rating: Satisfaction
    words: str
    at: datetime


class RequestKind(str, Enum):
    address_change = "address_change"
    return_exchange = "return_exchange"
    quality_complaint = "quality_complaint"
    handoff = "handoff"
    cancel = "cancel"  # an unpaid or not yet shipped order the buyer confirmed to cancel
    delivery_note = "delivery_note"  # the buyer's delivery instruction, for the order's 备注


class ShopRequest(Model):
    """Something the assistant recorded for the shop's people to act on."""

    kind: RequestKind
    conversation_id: str
    buyer_id: str
    reason: str
    order_id: Optional[str] = None
    sku: Optional[str] = None
    details: Dict[str, str] = {}
    created_at: datetime


# == Handoffs to human agents (bot/handoff/queue.py owns the rules, bot/store.py the keys) ======
class HandoffState(str, Enum):
    waiting = "waiting"  # a human was asked for; no agent has the chat yet
    claimed = "claimed"  # one agent has the chat
    returned = "returned"  # the agent handed the chat back to the assistant
    closed = "closed"  # the agent closed the chat

    @property
    def with_human(self) -> bool:
        """A person was asked for or has the chat (the handoff is open)."""
        return self in (HandoffState.waiting, HandoffState.claimed)


class HandoffReason(str, Enum):
    """Why a person was asked for. The values are stable English (logs, the requests stream, the
    metrics counters); people read them through bot/labels.py. An order the reason concerns is
    kept beside it (Handoff.order_id), never inside it, so each reason is one kind, not one per order."""

    buyer_asked = "buyer_asked"
    not_understood = "not_understood"
    quality_complaint = "quality_complaint"
    buyer_upset = "buyer_upset"
    refund_over_limit = "refund_over_limit"
    action_failed = "action_failed"
    repeated_answer = "repeated_answer"
    policy_follow_up = "policy_follow_up"
    late_dispatch = "late_dispatch"
    human_first = "human_first"
    unhappy_follow_up = "unhappy_follow_up"
    other = "other"  # only for an old record whose free-text reason matches nothing below

    @classmethod
    def read(cls, text: str) -> "HandoffReason":
        """A reason as stored: today's value, or a free-text reason written before reasons were
        typed (handoff hashes, the requests stream, metrics counters), read by its old prefix."""
        try:
            return cls(text)
        except ValueError:
            return next((reason for prefix, reason in _LEGACY_REASONS if text.startswith(prefix)), cls.other)


# The English sentences reasons were written as before they were typed, by their fixed beginnings.
_LEGACY_REASONS = (
    ("buyer asked for a", HandoffReason.buyer_asked),
    ("assistant did not understand", HandoffReason.not_understood),
    ("quality complaint", HandoffReason.quality_complaint),
    ("buyer is upset", HandoffReason.buyer_upset),
    ("refund on order", HandoffReason.refund_over_limit),
    ("action ", HandoffReason.action_failed),
    ("the assistant kept giving the same answer", HandoffReason.repeated_answer),
    ("shop policy follow-up", HandoffReason.policy_follow_up),
    ("order ", HandoffReason.late_dispatch),  # "order <id> is late for dispatch"
    ("the shop serves new chats in person first", HandoffReason.human_first),
    ("unhappy with order", HandoffReason.unhappy_follow_up),
)


class Handoff(Model):
    """The current (or last) handoff of one conversation."""

    conversation_id: str
    buyer_id: str
    reason: HandoffReason
    state: HandoffState
    created_at: datetime
    last_message: str = ""
    order_id: Optional[str] = None
    claimed_by: Optional[str] = None
    claimed_at: Optional[datetime] = None
    ended_by: Optional[str] = None
    ended_at: Optional[datetime] = None
    # When the buyer was told, once, that the agent is taking long (handoff_wait_minutes).
    wait_update_at: Optional[datetime] = None

    _old_reasons_read = validator("reason", pre=True, allow_reuse=True)(
        lambda value: HandoffReason.read(value) if isinstance(value, str) else value
    )


class HandoffEventKind(str, Enum):
    requested = "requested"
    claimed = "claimed"
    replied = "replied"
    handed_back = "handed_back"
    closed = "closed"


class HandoffEvent(Model):
    """One entry of the durable handoff log (a Redis stream)."""

    kind: HandoffEventKind
    conversation_id: str
    at: datetime
    agent: Optional[str] = None
    text: str = ""  # the reason for `requested`, the agent's words for `replied`


class HandoffChange(str, Enum):
    """What an atomic change of a handoff did."""

    done = "done"
    missing = "missing"  # the conversation has never been handed off
    taken = "taken"  # another agent holds the chat
    ended = "ended"  # the handoff is already over (handed back or closed)


# -- trainer corrections (bot/trainer/corrections.py) ----------------------------------------
def message_ref(message_id: Optional[str], event_timestamp: Optional[float]) -> str:
    """Rasa's message id, or `ts:` and the event's timestamp for a message without one."""
    if message_id:
        return message_id
    if event_timestamp is None:
        return ""
    try:
        return f"ts:{float(event_timestamp)!r}"
    except (TypeError, ValueError):
        return f"ts:{event_timestamp}"


class CorrectionEntity(Model):
    """An entity in the buyer's text: characters [start, end) of `text`, with its value."""

    entity: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    # The normalised value ("175" for 一米七五); the covered text when not given.
    value: Optional[str] = None

    @validator("value", pre=True)
    def _value_as_text(cls, value: Any) -> Optional[str]:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return None if value is None else str(value)

    @root_validator(skip_on_failure=True)
    def _span_ordered(cls, values: dict) -> dict:
        if values["start"] >= values["end"]:
            raise ValueError("start must be before end")
        return values


class Correction(Model):
    conversation_id: str = Field(min_length=1)
    # Rasa's message id of the UserUttered event; the event's timestamp when there is none.
    message_id: Optional[str] = None
    event_timestamp: Optional[float] = None
    text: str = Field(min_length=1, description="the buyer's original text")
    predicted_intent: Optional[str] = None
    predicted_confidence: Optional[float] = Field(default=None, ge=0, le=1)
    correct_intent: str = Field(min_length=1)
    entities: List[CorrectionEntity] = []
    corrected_by: str = Field(min_length=1)
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))

    @validator("text")
    def _has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the buyer's text is empty")
        return value

    @validator("created_at")
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)

    @root_validator(skip_on_failure=True)
    def _identified_and_spans_inside(cls, values: dict) -> dict:
        if not values.get("message_id") and values.get("event_timestamp") is None:
            raise ValueError("give the message_id or the event_timestamp of the buyer message")
        text = values["text"]
        entities = sorted(values["entities"], key=lambda e: e.start)
        for entity in entities:
            if entity.end > len(text):
                raise ValueError(
                    f"entity {entity.entity!r} span {entity.start}-{entity.end} is outside the "
                    f"text ({len(text)} characters)"
                )
        for first, second in zip(entities, entities[1:]):
            if second.start < first.end:
                raise ValueError(f"entities {first.entity!r} and {second.entity!r} overlap")
        values["entities"] = [
            e if e.value is not None else e.copy(update={"value": text[e.start : e.end]})
            for e in entities
        ]
        return values

    @property
    def message_ref(self) -> str:
        """Identifies the message within its conversation (the store's key part)."""
        return message_ref(self.message_id, self.event_timestamp)
