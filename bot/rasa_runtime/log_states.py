"""Patch 18: the rule policy's debug line of dialogue states formatted only when it is written
(bot/rasa_runtime/patches.py).

`RulePolicy._find_action_from_rules` formats every dialogue state of the tracker into a string
(`Policy.format_tracker_states`) for one `structlogger.debug` line, on every prediction,
whatever the log level: three times a buyer message, and longer as the chat grows (cProfile, one
buyer's long chat: 0.18 ms a message in its first 16 messages, 0.29 ms from the 61st). Here the
formatting returns a stand-in that formats when structlog renders it (str or repr), which at
INFO it never does. The string is used for nothing else (the caller is pinned); Rasa deep-copies
it for the log line, and the stand-in is its own copy (the states are copies made for this
prediction, and a debug line is rendered at once).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from bot.rasa_runtime.pinning import Patch, Pin, rasa_attribute

_original: Any = None


class StatesForLog:
    """Dialogue states as Rasa's debug line shows them, formatted only if the line is rendered."""

    __slots__ = ("states",)

    def __init__(self, states: List[Dict]) -> None:
        self.states = states

    def __str__(self) -> Text:
        return _original(self.states)

    __repr__ = __str__

    def __deepcopy__(self, memo: Dict[int, Any]) -> "StatesForLog":
        return self


def format_tracker_states(states: List[Dict]) -> StatesForLog:
    return StatesForLog(states)


policy_class = rasa_attribute("rasa.core.policies.policy", "Policy")
rule_policy_class = rasa_attribute("rasa.core.policies.rule_policy", "RulePolicy")


def install(owner: Any) -> None:
    global _original
    _original = owner.format_tracker_states
    owner.format_tracker_states = staticmethod(format_tracker_states)


PATCH = Patch(
    name="rule policy's state log line formatted only when written",
    target=policy_class,
    attribute="format_tracker_states",
    source_sha256="32b101cb34fd1c32fd17557044632ecbe9cb5638e605ca81864ddcb6b469a22a",
    install=install,
    # The one caller, which uses the string only in its debug line.
    also_pinned=(
        Pin(rule_policy_class, "_find_action_from_rules", "be6da6ee0f5429bd9bbded9f22186f3729469e5b392949493fd34a00ef9531d9"),
    ),
)
