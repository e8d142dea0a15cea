"""Patch 9: a tracker's dialogue states carried forward instead of rebuilt (bot/rasa_runtime/patches.py).

Every prediction turned the whole tracker into dialogue states: `Domain.states_for_tracker_history`
replays each applied event into a fresh tracker and takes the state before every action. The rule
policy does this twice a prediction (text, then intent), a turn has two or three predictions,
and the next turn starts over: 16% of the Rasa server's Python time (py-spy, 50 buyers).

For the rule policy's states (`ignore_rule_only_turns=False`: the state before an action is a
function of the applied events before it, nothing else), this keeps, on the tracker, the replay
so far: the applied events it covered, the replayed tracker and the states. When the tracker's
applied events still begin with exactly those events (the same objects: a turn only appends),
only the new ones are replayed; anything else (an undo, a restart, another domain) replays from
the start, as Rasa does. The memoization policy's states (`ignore_rule_only_turns=True`, taken
from a tracker cut to its last turns) go to Rasa's code unchanged.

With the tracker store's recent trackers (bot/rasa_runtime/recent_trackers.py), the replay also
carries over from one turn to the next. tests/integration/rasa_runtime/test_rule_states.py checks
the states against Rasa's at every step of whole conversations, undos and forms included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Text

from bot.rasa_runtime.pinning import Patch, Pin
from bot.rasa_runtime.slot_copy import tracker_class

State = Dict[Text, Dict[Text, Any]]

ATTRIBUTE = "_shop_rule_states"
_original: Any = None


def _forgotten() -> None:
    return None


@dataclass
class Replay:
    domain: Any
    omit_unset_slots: bool
    replayed: Any  # the tracker's `init_copy()` with `applied` applied
    applied: List[Any] = field(default_factory=list)
    states: List[State] = field(default_factory=list)  # before each action among `applied`

    def serves(self, domain: Any, omit_unset_slots: bool, applied: List[Any]) -> bool:
        # The same event objects, not equal ones: an undo followed by a new message can leave
        # as many applied events as before. (A shallow copy of the tracker may share this
        # replay and extend it; then its events are not this tracker's, and it starts over.)
        return (
            self.domain is domain
            and self.omit_unset_slots == omit_unset_slots
            and len(applied) >= len(self.applied)
            and all(mine is theirs for mine, theirs in zip(self.applied, applied))
        )

    def __reduce__(self) -> Any:
        # A deep copy or a pickle of the tracker starts without it (and never copies the domain).
        return (_forgotten, ())


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
    if ignore_rule_only_turns or not _replays_as_rasa(tracker):
        return _original(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    from rasa.shared.core.events import ActionExecuted

    applied = tracker.applied_events()
    # Taken off while it is extended: an exception half way leaves no half-updated replay behind.
    replay: Optional[Replay] = tracker.__dict__.pop(ATTRIBUTE, None)
    if replay is None or not replay.serves(self, omit_unset_slots, applied):
        replay = Replay(self, omit_unset_slots, tracker.init_copy())
    # As `generate_all_prior_trackers` (pinned below): the state before each action.
    for event in applied[len(replay.applied) :]:
        if isinstance(event, ActionExecuted):
            replay.states.append(self._clean_state(self.get_active_state(replay.replayed, omit_unset_slots)))
        replay.replayed.update(event)
        replay.applied.append(event)
    final = self._clean_state(self.get_active_state(replay.replayed, omit_unset_slots))
    tracker.__dict__[ATTRIBUTE] = replay
    return [copy_state(state) for state in replay.states] + [final]


def domain_class() -> Any:
    from rasa.shared.core.domain import Domain

    return Domain


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
    # The replay above repeats these: when they change, the patch is refused.
    also_pinned=(
        Pin(tracker_class, "generate_all_prior_trackers", "a1f6954347b52649a7b1054741338997d2369197d91acb2eab7f6b11d3855ed1"),
        Pin(tracker_class, "init_copy", "429fcd2243b9e0e1a6e8ffc3057a4f2fb4ecbb677055c644129bc65b6cd32b75"),
    ),
)
