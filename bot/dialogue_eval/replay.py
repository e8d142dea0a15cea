"""Replaying labelled sessions through a running assistant, one buyer with orders per session."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, Dict, List, Optional, Tuple

import requests

from bot.behaviours import BEHAVIOUR_SLOT, behaviour_of_action
from bot.dialogue_eval.scoring import ScoredTurn
from bot.dialogue_eval.sessions import LabelledSession
from bot.models import Buyer, Order, OrderStatus, ShopData
from bot.store import ShopStore

# What a turn did when the assistant ran no action at all (the channel's gate answered alone).
NO_ACTION = "none"
_NOT_A_CHOICE = {"action_listen", "action_session_start", "action_extract_slots"}


def eval_buyer_id(session: LabelledSession) -> str:
    return f"eval-{session.id}"


def buyer_with_orders(demo: ShopData, session_number: int, buyer_id: str) -> Tuple[Buyer, List[Order]]:
    """A buyer with one order in each state a real buyer asks about: received a few days ago,
    on its way, paid and waiting to ship, placed and not paid yet (times relative to the demo's
    `as_of`, the moment the eval's clock is fixed at)."""
    assert demo.as_of is not None, "the demo shop file needs as_of for a fixed clock"
    now = demo.as_of
    delivered = next(o for o in demo.orders if o.status is OrderStatus.delivered)
    shipped = next(o for o in demo.orders if o.status is OrderStatus.shipped)

    def order(k: int, template: Order, status: OrderStatus, placed: timedelta, **times: Any) -> Order:
        return template.copy(
            update={
                "id": f"29{session_number:04d}00{k:04d}",
                "buyer_id": buyer_id,
                "status": status,
                "created_at": now - placed,
                "paid_at": None,
                "shipped_at": None,
                "delivered_at": None,
                "courier": None,
                "tracking_number": None,
                **times,
            }
        )

    orders = [
        order(
            1,
            delivered,
            OrderStatus.delivered,
            timedelta(days=6),
            paid_at=now - timedelta(days=6),
            shipped_at=now - timedelta(days=5),
            delivered_at=now - timedelta(days=3),
            courier=delivered.courier,
            tracking_number=f"YT90{session_number:04d}0001",
        ),
        order(
            2,
            shipped,
            OrderStatus.shipped,
            timedelta(days=2),
            paid_at=now - timedelta(days=2),
            shipped_at=now - timedelta(days=1),
            courier=shipped.courier,
            tracking_number=f"YT90{session_number:04d}0002",
        ),
        order(3, delivered, OrderStatus.paid, timedelta(hours=3), paid_at=now - timedelta(hours=3)),
        order(4, shipped, OrderStatus.unpaid, timedelta(minutes=20)),
    ]
    buyer = Buyer(id=buyer_id, nickname="小测", past_orders=2, region=orders[0].region)
    return buyer, orders


def add_eval_buyers(store: ShopStore, demo: ShopData, sessions: List[LabelledSession]) -> None:
    buyers, orders = [], []
    for number, session in enumerate(sessions, start=1):
        buyer, own = buyer_with_orders(demo, number, eval_buyer_id(session))
        buyers.append(buyer)
        orders.extend(own)
    store.write_all(demo.copy(update={"products": [], "buyers": buyers, "orders": orders}), merge=True)


def understood(events: List[Dict[str, Any]]) -> str:
    """The intent and confidence the NLU read the latest buyer message as ("bargain 0.62")."""
    user: Dict[str, Any] = next((e for e in reversed(events) if e.get("event") == "user"), {})
    intent = (user.get("parse_data") or {}).get("intent") or {}
    return f"{intent.get('name')} {float(intent.get('confidence') or 0):.2f}"


def behaviour_of_turn(events: List[Dict[str, Any]]) -> str:
    """The behaviour the assistant chose after the buyer's latest message: the `behaviour` slot
    our actions set, else the first action Rasa ran (a form, a response)."""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    after = events[last_user + 1 :]
    for event in after:
        if event.get("event") == "slot" and event.get("name") == BEHAVIOUR_SLOT and event.get("value"):
            return str(event["value"])
    for event in after:
        name = event.get("name") or ""
        if event.get("event") == "action" and name not in _NOT_A_CHOICE:
            return behaviour_of_action(name) or name
    return NO_ACTION


class Replayer:
    def __init__(self, rasa_url: str, api_token: str, timeout: float = 60) -> None:
        self.rasa_url = rasa_url
        self.api_token = api_token
        self.timeout = timeout

    def _say(self, http: requests.Session, sender: str, text: str) -> Tuple[str, ...]:
        response = http.post(
            f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=self.timeout
        )
        response.raise_for_status()
        return tuple(m.get("text") or "" for m in response.json())

    def _events(self, http: requests.Session, sender: str) -> List[Dict[str, Any]]:
        response = http.get(
            f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": self.api_token}, timeout=self.timeout
        )
        response.raise_for_status()
        return response.json().get("events") or []

    def session(self, session: LabelledSession) -> List[ScoredTurn]:
        sender = eval_buyer_id(session)
        scored = []
        with requests.Session() as http:
            for index, turn in enumerate(session.turns, start=1):
                replies = self._say(http, sender, turn.buyer)
                events = self._events(http, sender)
                scored.append(ScoredTurn(session.id, index, turn, behaviour_of_turn(events), replies, understood(events)))
        return scored

    def all(self, sessions: List[LabelledSession], parallel: int = 4) -> List[ScoredTurn]:
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            results = list(pool.map(self.session, sessions))
        return [turn for turns in results for turn in turns]


def replay(sessions: List[LabelledSession], rasa_url: str, api_token: str, parallel: Optional[int] = None) -> List[ScoredTurn]:
    return Replayer(rasa_url, api_token).all(sessions, parallel or 4)
