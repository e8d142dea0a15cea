"""What each answer earns: the fold's per-answer counters and the dashboard's rows (pure: no Redis)."""

from __future__ import annotations

from collections import Counter
from typing import Dict, List, Optional

from bot.metrics.answers import DELETED_ENTRY, answer_stats
from bot.metrics.fold import ConversationState, MissedMessage, fold
from bot.models import KnowledgeEntry

T0 = 1_764_633_600.0  # 2025-12-02 00:00 UTC


def turn(
    t: float,
    text: str,
    behaviour: Optional[str],
    source: Optional[str] = None,
    intent: str = "greet",
    handoff: Optional[str] = None,
    extra: Optional[List[Dict]] = None,
) -> List[Dict]:
    events = [
        {
            "event": "user",
            "text": text,
            "timestamp": t,
            "message_id": f"m{t:g}",
            "parse_data": {"intent": {"name": intent, "confidence": 0.42}},
        }
    ]
    events += extra or []
    if handoff:
        events.append({"event": "slot", "name": "handoff_reason", "value": handoff, "timestamp": t + 0.1})
    events.append({"event": "slot", "name": "behaviour", "value": behaviour, "timestamp": t + 0.1})
    events.append({"event": "slot", "name": "answer_source", "value": source, "timestamp": t + 0.1})
    events.append({"event": "bot", "text": "亲～", "timestamp": t + 0.2})
    events.append({"event": "action", "name": "action_listen", "timestamp": t + 0.3})
    return events


def run(events: List[Dict]):
    state, counts, missed = ConversationState(), Counter(), []
    for event in events:
        result = fold(ConversationState.from_hash(state.to_hash()), "buyer_a", event, {})  # through Redis' form
        state = result.state
        counts.update({name: n for (_, name), n in result.counts.items()})
        missed += [result.missed[1]] if result.missed else []
    return counts, missed


CHAT = [
    {"event": "action", "name": "action_session_start", "timestamp": T0},
    *turn(T0 + 1, "能开发票吗", "faq:invoice", "knowledge:invoice_how"),
    *turn(
        T0 + 2,
        "那个呢",
        "clarify",
        intent="nlu_fallback",
        extra=[{"event": "action", "name": "action_unclear", "timestamp": T0 + 2.05}],
    ),
    *turn(T0 + 3, "包邮吗", "answer:ask_free_shipping", intent="ask_free_shipping"),  # a 猜你想问 click
    *turn(T0 + 4, "好的", "ack"),
    *turn(T0 + 5, "谢谢", "answer:thank", intent="thank"),
    *turn(T0 + 6, "啥意思", "handoff", handoff="not_understood", intent="nlu_fallback"),
    *turn(T0 + 7, "找人工", "handoff", handoff="buyer_asked", intent="request_human"),
    *turn(T0 + 8, "我要找个真人说", "handoff", handoff="buyer asked for a human", intent="nlu_fallback"),  # an old reason
    {"event": "action", "name": "action_session_start", "timestamp": T0 + 86400},
    *turn(
        T0 + 86401,
        "满意",
        "ack",
        extra=[{"event": "slot", "name": "satisfaction", "value": "satisfied", "timestamp": T0 + 86401.05}],
    ),
    *turn(T0 + 86402, "包邮吗", "answer:ask_free_shipping", intent="ask_free_shipping"),
]


def test_answers_are_counted_with_what_followed_them_and_the_rating_that_came_later() -> None:
    counts, _ = run(CHAT)
    assert counts["answered:knowledge:invoice_how"] == 1 and counts["precise:knowledge:invoice_how"] == 1
    assert counts["unsure_after:knowledge:invoice_how"] == 1  # asked back on the next turn
    # Answered after asking back (a 猜你想问 click): not a precise hit.
    assert counts["answered:intent:ask_free_shipping"] == 2 and counts["precise:intent:ask_free_shipping"] == 1
    # Its handoff came three turns later: not counted against it; the thanks, one turn before, is.
    assert counts["unsure_after:intent:ask_free_shipping"] == 0
    assert counts["answered:intent:thank"] == 1 and counts["unsure_after:intent:thank"] == 1
    # The rating in the next session counts for every answer since the last rating, once each.
    for source in ("knowledge:invoice_how", "intent:ask_free_shipping", "intent:thank"):
        assert counts[f"rated:{source}"] == 1 and counts[f"satisfied:{source}"] == 1
    assert not [name for name in counts if name.endswith(":ack") or "clarify" in name or "handoff" in name]


def test_missed_turns_are_the_ones_asked_back_on_or_handed_off_unless_the_buyer_asked_for_a_person() -> None:
    _, missed = run(CHAT)
    assert [(m.text, m.behaviour, m.intent) for m in missed] == [
        ("那个呢", "clarify", "nlu_fallback"),
        ("啥意思", "handoff", "nlu_fallback"),
    ]
    first = missed[0]
    assert isinstance(first, MissedMessage) and first.conversation_id == "buyer_a"
    assert first.message_id == f"m{T0 + 2:g}" and first.timestamp == T0 + 2 and first.confidence == 0.42


def test_the_dashboard_rows_name_entries_by_their_question_and_intents_in_chinese() -> None:
    counts, _ = run(CHAT)
    entry = KnowledgeEntry(key="invoice_how", question="能开发票吗？", answer="亲，可以开电子发票～")
    rows = answer_stats(counts, [entry])
    assert [(r.kind, r.name, r.answered) for r in rows] == [
        ("意图", "问包邮/运费", 2),
        ("意图", "道谢", 1),
        ("知识库", "能开发票吗？", 1),
    ]
    shipping, thanks, invoice = rows
    assert shipping.precise_rate == 0.5 and shipping.unsure_after_rate == 0 and shipping.csat == 1.0
    assert thanks.unsure_after_rate == 1.0 and invoice.csat_responses == 1
    assert [r.name for r in answer_stats(counts, [])][-1] == DELETED_ENTRY
