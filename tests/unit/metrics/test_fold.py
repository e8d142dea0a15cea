"""How conversation events become the owner's numbers (pure: no Redis)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Dict, List, Tuple

from bot.metrics.fold import ConversationState, fold, hour_of

T0 = 1_764_633_600.0  # 2025-12-02 00:00 UTC


def user(t: float, text: str, intent: str, item: str = "") -> Dict:
    return {
        "event": "user",
        "timestamp": t,
        "text": text,
        "parse_data": {"intent": {"name": intent}},
        "metadata": {"item_id": item} if item else {},
    }


def run(events: List[Dict]) -> Tuple[Counter, List[Tuple[str, int]], List[Tuple[str, str]], ConversationState]:
    state, counts, replies, unclear = ConversationState(), Counter(), [], []
    for event in events:
        result = fold(ConversationState.from_hash(state.to_hash()), "buyer_a", event, {"T001": "T001"})  # through Redis' form
        state = result.state
        counts.update({f"{hour}/{name}": n for (hour, name), n in result.counts.items()})
        replies += [result.first_reply] if result.first_reply else []
        unclear += [result.unclear] if result.unclear else []
    return counts, replies, unclear, state


def test_a_session_counts_once_with_its_first_reply_handoff_and_unclear_message() -> None:
    hour = hour_of(T0)
    counts, replies, unclear, state = run(
        [
            {"event": "action", "name": "action_session_start", "timestamp": T0},
            user(T0 + 1, "亲 在吗", "greet", "T001"),
            {"event": "action", "name": "utter_greet", "timestamp": T0 + 1.2},
            {"event": "bot", "text": "亲，在的～", "timestamp": T0 + 1.25},
            user(T0 + 5, "讲个笑话", "out_of_scope", "T001"),
            {"event": "action", "name": "action_unclear", "timestamp": T0 + 5.1},
            {"event": "bot", "text": "亲，没太明白", "timestamp": T0 + 5.2},
            user(T0 + 9, "转人工", "request_human"),
            {"event": "slot", "name": "handoff_reason", "value": "buyer asked for a person", "timestamp": T0 + 9.1},
            {"event": "slot", "name": "handoff_reason", "value": "buyer is upset", "timestamp": T0 + 9.2},
        ]
    )
    assert counts[f"{hour}/conversations"] == 1
    assert counts[f"{hour}/buyer_messages"] == 3
    assert counts[f"{hour}/handed_off"] == 1 and counts[f"{hour}/reason:buyer asked for a person"] == 1
    assert counts[f"{hour}/reason:buyer is upset"] == 0  # one handoff per session, its first reason
    assert counts[f"{hour}/not_understood"] == 1 and unclear == [(hour, "讲个笑话")]
    assert counts[f"{hour}/item:T001"] == 2 and counts[f"{hour}/intent:request_human"] == 1
    assert replies == [(hour, 250)]  # the first reply only, from the first buyer message


def test_a_new_session_is_a_new_conversation() -> None:
    hour = hour_of(T0)
    later = T0 + 2 * 3600
    counts, replies, _, _ = run(
        [
            {"event": "action", "name": "action_session_start", "timestamp": T0},
            user(T0 + 1, "亲 在吗", "greet"),
            {"event": "bot", "text": "在的", "timestamp": T0 + 2},
            {"event": "action", "name": "action_session_start", "timestamp": later},
            user(later + 1, "包邮吗", "ask_free_shipping"),
            {"event": "bot", "text": "包邮", "timestamp": later + 1.5},
        ]
    )
    assert counts[f"{hour}/conversations"] == 1 and counts[f"{hour_of(later)}/conversations"] == 1
    assert replies == [(hour, 1000), (hour_of(later), 500)]


def test_a_session_without_a_buyer_message_is_no_conversation() -> None:
    counts, replies, _, _ = run(
        [
            {"event": "action", "name": "action_session_start", "timestamp": T0},
            {"event": "bot", "text": "agent hello", "timestamp": T0 + 1},
        ]
    )
    assert sum(v for k, v in counts.items() if k.endswith("/conversations")) == 0 and replies == []


def test_the_redis_form_of_a_state_is_its_fields_as_pydantic_writes_them() -> None:
    _, _, _, state = run(
        [
            {"event": "action", "name": "action_session_start", "timestamp": T0},
            user(T0 + 1, "这件有XL吗", "ask_size", "T001"),
            {"event": "slot", "name": "behaviour", "value": "answer:ask_size", "timestamp": T0 + 1.1},
            {"event": "bot", "text": "亲，有的", "timestamp": T0 + 1.2},
            {"event": "action", "name": "action_listen", "timestamp": T0 + 1.3},
            user(T0 + 5, "那黑色呢", "ask_product", "T001"),
        ]
    )
    assert state.turn_message is not None and state.pending  # every kind of field is set
    as_text = {
        bool: lambda v: str(int(v)),
        list: lambda v: json.dumps(v, ensure_ascii=False),
        dict: lambda v: json.dumps(v, ensure_ascii=False),
    }
    pydantics = {k: "" if v is None else as_text.get(type(v), str)(v) for k, v in state.dict().items()}
    assert state.to_hash() == pydantics
    assert ConversationState.from_hash(state.to_hash()) == state
