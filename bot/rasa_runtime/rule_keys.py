"""Patch 12: the rule policy looks only at rules that can match the latest state
(bot/rasa_runtime/patches.py).

`RulePolicy._get_possible_keys` filters every rule against the conversation's states, one state
at a time from the latest back, twice a prediction (the rules and the loops' unhappy paths),
with a lambda, a JSON-parsed rule and a reversed copy of it per rule and state: py-spy put 30% of
the server's prediction time on the event loop in it. Most rules fail at once on the latest
state's previous action: a rule whose last state names an action (`action_name`, not
"should_not_be_set") matches only a state with that very action (Rasa's `_is_rule_applicable`
and `_does_rule_match_state`, pinned below). The rules are indexed by that action once per
lookup; so is a rule whose latest state names an intent, which matches only a state with that
intent (on a listen turn that leaves one or two of 23 rules). Only the rules the index cannot
rule out go through Rasa's own `_is_rule_applicable`.

The answer is Rasa's set, built the same way: a set's iteration order depends on how it was
built, and Rasa picks the longest key with `max`, where ties go to the first in that order. So
the filtering passes are replayed over the same sets in the same order, each key dropped at the
pass where Rasa's check fails (tests/rasa/test_rule_keys.py compares both on whole conversations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Optional, Set, Text

from bot.rasa_runtime.pinning import KeptOnRasaObject, Patch, Pin, rasa_attribute

ATTRIBUTE = "_shop_rule_indexes"
PREVIOUS_ACTION = "prev_action"
ACTION_NAME = "action_name"
USER = "user"
INTENT = "intent"
SHOULD_NOT_BE_SET = "should_not_be_set"


@dataclass
class RuleIndex(KeptOnRasaObject):
    keys: FrozenSet[Text]  # the lookup's keys when indexed (a changed lookup is indexed anew)
    by_action: Dict[Text, List[Text]]  # latest state's previous action → rules that name it
    any_action: List[Text]  # rules whose latest state names no previous action
    length: Dict[Text, int]  # rule → how many states it has
    intent: Dict[Text, Optional[Text]]  # rule → the intent its latest state names, if any


def _named(rule_states: List[Any], state_type: Text, key: Text) -> Optional[Text]:
    """The value the rule's latest state requires of `state_type`/`key`, if it requires one."""
    sub_state = rule_states[-1].get(state_type) if rule_states else None
    name = sub_state.get(key) if isinstance(sub_state, dict) else None
    return name if isinstance(name, str) and name and name != SHOULD_NOT_BE_SET else None


def build_index(policy: Any, lookup: Dict[Text, Any]) -> RuleIndex:
    by_action: Dict[Text, List[Text]] = {}
    any_action: List[Text] = []
    length: Dict[Text, int] = {}
    intent: Dict[Text, Optional[Text]] = {}
    for key in lookup:
        rule_states = policy._rule_key_to_state(key)
        length[key] = len(rule_states)
        intent[key] = _named(rule_states, USER, INTENT)
        name = _named(rule_states, PREVIOUS_ACTION, ACTION_NAME)
        if name is None:
            any_action.append(key)
        else:
            by_action.setdefault(name, []).append(key)
    return RuleIndex(frozenset(lookup), by_action, any_action, length, intent)


def index_for(policy: Any, lookup: Dict[Text, Any]) -> RuleIndex:
    indexes = policy.__dict__.setdefault(ATTRIBUTE, {})
    index = indexes.get(id(lookup))
    if index is None or index.keys != lookup.keys():
        index = indexes[id(lookup)] = build_index(policy, lookup)
    return index


def get_possible_keys(self: Any, lookup: Dict[Text, Text], states: List[Any]) -> Set[Text]:
    """Rasa's `_get_possible_keys`, with the rules that fail at once on the latest state left
    out of Rasa's check: each key fails at the pass `dropped_at` says (no entry: the first)."""
    index = index_for(self, lookup)
    newest_first = list(reversed(states))
    dropped_at: Dict[Text, Optional[int]] = {}
    if newest_first:
        previous = newest_first[0].get(PREVIOUS_ACTION)
        name = previous.get(ACTION_NAME) if isinstance(previous, dict) else None
        user = newest_first[0].get(USER)
        said = user.get(INTENT) if isinstance(user, dict) else None
        candidates = index.any_action + (index.by_action.get(name, []) if isinstance(name, str) else [])
        for key in candidates:
            if index.intent[key] is not None and index.intent[key] != said:
                continue  # Rasa's check fails at once on the latest state's intent: dropped at pass 0
            dropped_at[key] = None  # kept, unless a pass below drops it
            # Beyond the rule's own length Rasa's check always holds.
            for turn, state in enumerate(newest_first[: index.length[key]]):
                if not self._is_rule_applicable(key, turn, state):
                    dropped_at[key] = turn
                    break
    possible_keys = set(lookup.keys())
    for turn in range(len(newest_first)):
        possible_keys = set(key for key in possible_keys if dropped_at.get(key, 0) != turn)
    return possible_keys


rule_policy_class = rasa_attribute("rasa.core.policies.rule_policy", "RulePolicy")


def install(owner: Any) -> None:
    owner._get_possible_keys = get_possible_keys


PATCH = Patch(
    name="rules indexed by the latest previous action",
    target=rule_policy_class,
    attribute="_get_possible_keys",
    source_sha256="2915fd81711e194c6d667728e00bd0e51e9c1c2791a0be14c55f0ef9938f9936",
    install=install,
    also_pinned=(
        Pin(rule_policy_class, "_is_rule_applicable", "64a108b016b46e573d6020b755a6036439dc207a364b45c9ea5dcb0f18dc7068"),
        Pin(rule_policy_class, "_does_rule_match_state", "d3109c1a97de319ceee17570d2d96b51c2fa0006379c5a491d5ed7df136666a7"),
    ),
)
