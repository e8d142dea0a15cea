"""Every intent the domain declares has a Chinese label (an owner never reads `ask_size`)."""
import re
from pathlib import Path

import yaml

from bot.labels import INTENT_LABELS, behaviour_label, intent_label

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
