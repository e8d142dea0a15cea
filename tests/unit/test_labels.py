"""Every intent the domain declares has a Chinese label (an owner never reads `ask_size`)."""

import re
from pathlib import Path

import yaml

from bot.labels import INTENT_LABELS, REASON_LABELS, behaviour_label, intent_label, reason_label
from bot.models import Handoff, HandoffReason

ROOT = Path(__file__).resolve().parents[2]


def test_every_domain_intent_has_a_chinese_label():
    intents = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
    names = [i if isinstance(i, str) else next(iter(i)) for i in intents]
    missing = [n for n in names if n not in INTENT_LABELS]
    assert missing == []
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in INTENT_LABELS.values())


def test_behaviour_labels_are_chinese():
    for behaviour in ("answer:ask_size", "faq:invoice", "flow:cancel_order", "handoff", "clarify", "ack", "x"):
        label = behaviour_label(behaviour)
        assert not re.search(r"[a-z_]{4,}", label), label
    assert behaviour_label("answer:ask_size") == "回答：问尺码"
    assert intent_label("no_such_intent") == "其他"


def test_every_handoff_reason_has_a_chinese_label():
    assert set(REASON_LABELS) == set(HandoffReason)
    assert all(re.search(r"[\u4e00-\u9fff]", label) and not re.search(r"[a-z_]{4,}", label) for label in REASON_LABELS.values())


# Reasons as the code wrote them before they were typed: still in Redis (handoff hashes, the
# requests stream, metrics counters), so they must read as the reason they were.
OLD_REASONS = {
    "buyer asked for a human": HandoffReason.buyer_asked,
    "assistant did not understand twice in a row": HandoffReason.not_understood,
    "quality complaint": HandoffReason.quality_complaint,
    "buyer is upset": HandoffReason.buyer_upset,
    "refund on order 2611 (399 yuan) is over the shop's 200 yuan limit": HandoffReason.refund_over_limit,
    "action action_order_status failed": HandoffReason.action_failed,
    "action action_free_shipping failed (action server)": HandoffReason.action_failed,
    "the assistant kept giving the same answer": HandoffReason.repeated_answer,
    "shop policy follow-up (invoice)": HandoffReason.policy_follow_up,
    "order 261103004512 is late for dispatch": HandoffReason.late_dispatch,
    "the shop serves new chats in person first (human_first)": HandoffReason.human_first,
    "unhappy with order 261103004512 (follow-up)": HandoffReason.unhappy_follow_up,
    "something nobody wrote": HandoffReason.other,
}


def test_old_free_text_reasons_read_as_their_reason():
    assert {text: HandoffReason.read(text) for text in OLD_REASONS} == OLD_REASONS
    assert HandoffReason.read("late_dispatch") is HandoffReason.late_dispatch
    assert reason_label("order 261103004512 is late for dispatch") == "订单发货延迟"


def test_an_old_handoff_record_loads_with_its_typed_reason():
    fields = {
        "conversation_id": "c",
        "buyer_id": "c",
        "state": "waiting",
        "created_at": "2026-11-24T11:00:00+08:00",
        "reason": "refund on order 2611 (399 yuan) is over the shop's 200 yuan limit",
        "order_id": "2611",
    }
    handoff = Handoff.parse_obj(fields)
    assert (handoff.reason, handoff.order_id) == (HandoffReason.refund_over_limit, "2611")
