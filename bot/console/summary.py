"""The summary card an agent reads before replying: built from the handoff, the Rasa tracker
(transcript, predicted intents, slots) and the shop's data (buyer, current item, orders)."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Any, Dict, List, Mapping, Optional

from bot.console.answer_source import AnswerSource, answer_sources, knowledge_questions
from bot.knowledge.records import KnowledgeRecords
from bot.labels import ORDER_STATUS_LABELS, intent_label, product_label, reason_label
from bot.models import Buyer, Handoff, HandoffReason, Model, Order
from bot.photos.intake import photo_ids
from bot.store import ShopStore
from bot.trainer.corrections import message_ref

# The slots an agent needs, in the order the card shows them.
CARD_SLOTS = (
    "current_product",
    "order_id",
    "height_cm",
    "weight_kg",
    "bust_cm",
    "waist_cm",
    "size",
    "colour",
    "region",
)

_STATUS_LABELS = ORDER_STATUS_LABELS


class Speaker(str, Enum):
    buyer = "buyer"
    assistant = "assistant"
    agent = "agent"


class TranscriptLine(Model):
    speaker: Speaker
    text: str
    at: datetime
    agent: Optional[str] = None
    intent: Optional[str] = None
    intent_label: Optional[str] = None  # what the agent reads; `intent` is for a trainer's mark
    confidence: Optional[float] = None
    # Buyer lines: what a trainer's mark needs (POST /api/training/corrections) and its key.
    message_id: Optional[str] = None
    timestamp: Optional[float] = None
    message_ref: Optional[str] = None
    photo_ids: List[str] = []  # buyer lines: photos sent with it (GET /api/conversations/{id}/photos/{photo id})
    source: Optional[AnswerSource] = None  # assistant lines: the intent and action, or the knowledge entry


class IntentGuess(Model):
    name: str
    label: str
    confidence: float


class ItemCard(Model):
    sku: str
    name: str
    price: float
    colours: List[str]


class OrderLine(Model):
    id: str
    status: str
    total: float
    created_at: datetime
    items: str
    tracking: Optional[str] = None


class HandoffCard(Model):
    conversation_id: str
    buyer_id: str
    buyer_name: Optional[str]
    reason: HandoffReason
    reason_label: str
    order_id: Optional[str]
    state: str
    claimed_by: Optional[str]
    created_at: datetime
    wait_seconds: int
    last_message: str


class ChatSummary(Model):
    handoff: HandoffCard
    buyer: Optional[Buyer]
    item: Optional[ItemCard]
    intents: List[IntentGuess]
    slots: Dict[str, Any]
    orders: List[OrderLine]
    transcript: List[TranscriptLine]
    tracker_available: bool


def handoff_card(handoff: Handoff, buyer: Optional[Buyer], now: datetime) -> HandoffCard:
    return HandoffCard(
        conversation_id=handoff.conversation_id,
        buyer_id=handoff.buyer_id,
        buyer_name=buyer.nickname if buyer else None,
        reason=handoff.reason,
        reason_label=reason_label(handoff.reason),
        order_id=handoff.order_id,
        state=handoff.state.value,
        claimed_by=handoff.claimed_by,
        created_at=handoff.created_at,
        wait_seconds=max(0, int((now - handoff.created_at).total_seconds())),
        last_message=handoff.last_message,
    )


def transcript(tracker: Dict[str, Any], questions: Optional[Mapping[str, str]] = None) -> List[TranscriptLine]:
    """`questions`: the standard questions of the knowledge entries that answered (by key)."""
    lines: List[TranscriptLine] = []
    events = tracker.get("events") or []
    sources = answer_sources(events, questions or {})
    for position, event in enumerate(events):
        kind, text = event.get("event"), event.get("text")
        if kind not in ("user", "bot") or text is None:
            continue
        timestamp = event.get("timestamp")
        at = datetime.fromtimestamp(float(timestamp or 0), timezone.utc)
        if kind == "user":
            intent = (event.get("parse_data") or {}).get("intent") or {}
            lines.append(
                TranscriptLine(
                    speaker=Speaker.buyer,
                    text=text,
                    at=at,
                    intent=intent.get("name"),
                    confidence=intent.get("confidence"),
                    intent_label=intent_label(intent["name"]) if intent.get("name") else None,
                    message_id=event.get("message_id"),
                    timestamp=timestamp,
                    message_ref=message_ref(event.get("message_id"), timestamp) or None,
                    photo_ids=photo_ids(event.get("metadata")),
                )
            )
        else:
            agent = (event.get("metadata") or {}).get("agent")
            speaker = Speaker.agent if agent else Speaker.assistant
            lines.append(TranscriptLine(speaker=speaker, text=text, at=at, agent=agent, source=sources.get(position)))
    return lines


def intents(tracker: Dict[str, Any], top: int = 3) -> List[IntentGuess]:
    latest = tracker.get("latest_message") or {}
    ranking = latest.get("intent_ranking") or ([latest["intent"]] if latest.get("intent") else [])
    return [
        IntentGuess(name=i["name"], label=intent_label(i["name"]), confidence=round(float(i.get("confidence") or 0), 3))
        for i in ranking[:top]
        if i.get("name")
    ]


def current_item(store: ShopStore, tracker: Dict[str, Any]) -> Optional[ItemCard]:
    slots = tracker.get("slots") or {}
    metadata = (tracker.get("latest_message") or {}).get("metadata") or {}
    sku = metadata.get("item_id") or slots.get("current_product")
    product = store.product(sku) if sku else None
    if product is None:
        return None
    return ItemCard(sku=product.sku, name=product.name, price=product.price, colours=product.colours)


def order_line(store: ShopStore, order: Order) -> OrderLine:
    names = []
    for item in order.items:
        product = store.product(item.sku)
        names.append(f"{product.name if product else item.sku} {item.colour}/{item.size}×{item.quantity}")
    return OrderLine(
        id=order.id,
        status=_STATUS_LABELS.get(order.status.value, order.status.value),
        total=order.total,
        created_at=order.created_at,
        items="；".join(names),
        tracking=f"{order.courier} {order.tracking_number}" if order.tracking_number else None,
    )


def _slot_value(store: ShopStore, name: str, value: Any) -> Any:
    """A slot as the agent reads it: the current item by its name, with its SKU beside it."""
    if name == "current_product":
        product = store.product(str(value))
        return product_label(str(value), product.name if product else None)
    return value


def summarize(handoff: Handoff, tracker: Optional[Dict[str, Any]], store: ShopStore, now: datetime) -> ChatSummary:
    """`tracker` is None when the Rasa server could not be asked; the card shows what it can."""
    buyer = store.buyer(handoff.buyer_id)
    data = tracker or {}
    slots = data.get("slots") or {}
    knowledge = KnowledgeRecords(store.client, store.shop_id)
    questions = knowledge_questions(data.get("events") or [], lambda key: getattr(knowledge.entry(key), "question", None))
    return ChatSummary(
        handoff=handoff_card(handoff, buyer, now),
        buyer=buyer,
        item=current_item(store, data),
        intents=intents(data),
        slots={name: _slot_value(store, name, slots[name]) for name in CARD_SLOTS if slots.get(name) not in (None, "")},
        orders=[order_line(store, o) for o in store.orders_of(handoff.buyer_id)[:10]],
        transcript=transcript(data, questions),
        tracker_available=tracker is not None,
    )
