"""Patch 9: a tracker's dialogue states carried forward instead of rebuilt (bot/rasa_runtime/patches.py).

Every prediction turned the whole tracker into dialogue states: `Domain.states_for_tracker_history`
replays each applied event into a fresh tracker and takes the state before every action. The rule
policy does this twice a prediction (text, then intent), the memoization policy once, a turn has
two or three predictions, and the next turn starts over: 16% of the Rasa server's Python time
(py-spy, 50 buyers).

That walk goes forward only: the state before an action depends on the applied events before it
and, for the memoization policy's states (`ignore_rule_only_turns`), on two values carried from
the turn before (whether it was hidden, the last action a story would have seen) and the state
before. So this keeps, on the tracker, the walk so far for each way of asking: the applied events
it covered, the replayed tracker, the states and the carried values. When the tracker's applied
events still begin with exactly those events (the same objects: a turn only appends), only the
new ones are walked; anything else (an undo, a restart, another domain) walks from the start, as
Rasa does.

With the tracker store's recent trackers (bot/rasa_runtime/recent_trackers.py), the walk also
carries over from one turn to the next. tests/integration/rasa_runtime/test_rule_states.py checks
the states against Rasa's at every step of whole conversations, undos, forms and rule-only turns
included.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Text, Tuple

from bot.rasa_runtime.pinning import KeptOnRasaObject, Patch, Pin, rasa_attribute
from bot.rasa_runtime.slot_copy import tracker_class

State = Dict[Text, Dict[Text, Any]]
PREVIOUS_ACTION = "prev_action"  # rasa.shared.core.constants.PREVIOUS_ACTION

ATTRIBUTE = "_shop_dialogue_states"
_original: Any = None


@dataclass
class Asked:
    """One way of asking for the states: a walk serves only the same way again."""

    omit_unset_slots: bool
    ignore_rule_only_turns: bool
    rule_only_data: Optional[Dict[Text, Any]]

    @property
    def key(self) -> Tuple[bool, bool]:
        return self.omit_unset_slots, self.ignore_rule_only_turns


@dataclass
class Walk:
    domain: Any
    asked: Asked
    replayed: Any  # the tracker's `init_copy()` with `applied` applied
    applied: List[Any] = field(default_factory=list)
    states: List[State] = field(default_factory=list)
    # What Rasa's loop carries from one action to the next when rule-only turns are ignored.
    turn_was_hidden: bool = False
    last_ml_action: Optional[Dict[Text, Any]] = None
    # The replayed tracker's active state and how many applied events it had then: the state at
    # the end of one prediction is, unchanged, the state before the action that follows it, and
    # the rule policy asks twice a prediction.
    active: Optional[State] = None
    active_after: int = -1

    def serves(self, domain: Any, asked: Asked, applied: List[Any]) -> bool:
        # The same event objects, not equal ones: an undo followed by a new message can leave
        # as many applied events as before. (A shallow copy of the tracker may share a walk and
        # extend it; then its events are not this tracker's, and it starts over.)
        return (
            self.domain is domain
            and self.asked == asked
            and len(applied) >= len(self.applied)
            and all(mine is theirs for mine, theirs in zip(self.applied, applied))
        )

    def active_state(self) -> State:
        if self.active is None or self.active_after != len(self.applied):
            self.active = self.domain.get_active_state(self.replayed, self.asked.omit_unset_slots)
            self.active_after = len(self.applied)
        return copy_state(self.active)

    def step(self, hide_rule_turn: bool, commit: bool) -> Optional[State]:
        """The body of Rasa's loop for the replayed tracker as it stands: its state, or None
        for a hidden turn. `commit=False` (the state after the last event) leaves the walk as it was."""
        domain, asked, tracker = self.domain, self.asked, self.replayed
        if not asked.ignore_rule_only_turns:
            return domain._clean_state(self.active_state())
        turn_was_hidden, last_ml_action = self.turn_was_hidden, self.last_ml_action
        if not turn_was_hidden:
            last_ml_action = domain._get_prev_action_sub_state(tracker)
        if not tracker.followup_action and not tracker.latest_action_name == tracker.active_loop_name:
            turn_was_hidden = hide_rule_turn
        if commit:
            self.turn_was_hidden, self.last_ml_action = turn_was_hidden, last_ml_action
        if turn_was_hidden:
            return None
        state = self.active_state()
        domain._remove_rule_only_features(state, asked.rule_only_data)
        if self.states:
            domain._substitute_rule_only_user_input(state, self.states[-1])
        if last_ml_action:
            state[PREVIOUS_ACTION] = last_ml_action
        return domain._clean_state(state)


class Walks(KeptOnRasaObject, Dict[Tuple[bool, bool], Walk]):
    """A tracker's walks by way of asking; a copy of the tracker starts without them."""


def copy_state(state: State) -> State:
    # Callers edit sub-states in place (the featurizer drops the text or the intent); below
    # them are strings and tuples.
    return {kind: dict(sub_state) for kind, sub_state in state.items()}


def _replays_as_rasa(tracker: Any) -> bool:
    # A tracker class with its own way of walking its history (none in Rasa 3.6) keeps it.
    rasas = tracker_class()
    kind = type(tracker)
    return kind.generate_all_prior_trackers is rasas.generate_all_prior_trackers and kind.init_copy is rasas.init_copy


def states_for_tracker_history(
    self: Any,
    tracker: Any,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[Text, Any]] = None,
) -> List[State]:
    if not _replays_as_rasa(tracker):
        return _original(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    from rasa.shared.core.events import ActionExecuted

    asked = Asked(omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    applied = tracker.applied_events()
    walks = tracker.__dict__.get(ATTRIBUTE)
    if not isinstance(walks, Walks):
        walks = tracker.__dict__[ATTRIBUTE] = Walks()
    # Taken off while it is extended: an exception half way leaves no half-updated walk behind.
    walk = walks.pop(asked.key, None)
    if walk is None or not walk.serves(self, asked, applied):
        # Rasa reads `rule_only_data` as it is at each call: keep a copy that cannot change.
        asked = Asked(omit_unset_slots, ignore_rule_only_turns, copy.deepcopy(rule_only_data))
        walk = Walk(self, asked, tracker.init_copy())
    # As `generate_all_prior_trackers` (pinned below): a state before each action, then one at the end.
    for event in applied[len(walk.applied) :]:
        if isinstance(event, ActionExecuted):
            state = walk.step(event.hide_rule_turn, commit=True)
            if state is not None:
                walk.states.append(state)
        walk.replayed.update(event)
        walk.applied.append(event)
    final = walk.step(False, commit=False)
    walks[asked.key] = walk
    # Copies, the last one too: a state's previous action is the replayed tracker's own dict.
    return [copy_state(state) for state in [*walk.states, *([final] if final is not None else [])]]


domain_class = rasa_attribute("rasa.shared.core.domain", "Domain")


def install(owner: Any) -> None:
    global _original
    _original = owner.states_for_tracker_history
    owner.states_for_tracker_history = states_for_tracker_history


PATCH = Patch(
    name="dialogue states carried forward",
    target=domain_class,
    attribute="states_for_tracker_history",
    source_sha256="035111ce73ac90ba50e143abf556f924af07d9f452893f5a96a62895d44df8b7",
    install=install,
    # The walk above repeats these: when they change, the patch is refused.
    also_pinned=(
        Pin(tracker_class, "generate_all_prior_trackers", "a1f6954347b52649a7b1054741338997d2369197d91acb2eab7f6b11d3855ed1"),
        Pin(tracker_class, "init_copy", "429fcd2243b9e0e1a6e8ffc3057a4f2fb4ecbb677055c644129bc65b6cd32b75"),
    ),
)
