"""Fixes to Rasa 3.6.21 internals, applied in the Rasa server process (by our tracker store).

Each patch names the function it replaces and a fingerprint of that function's source: when
Rasa's code differs from what the patch was written against, `apply()` refuses the patch (and
logs why) instead of silently changing behaviour it no longer understands.

1. `RemoteAction._validate_action_result` called `jsonschema.validate(result, schema)` on every
   action reply, which first checks the schema against the metaschema: 48 ms a call (py-spy: 46%
   of the server's time at 10 buyers). The validator is now built once per process; every reply
   is still validated in full, each event against the branch its name selects, by checks
   compiled to Python once (fastjsonschema; about 30 µs a reply against jsonschema's 500), and
   whatever they reject is validated again by jsonschema, which raises Rasa's own error.
2. `Event.resolve_by_type` walked every subclass of `Event` (and checked each for abstractness)
   for every event it deserialised: each turn loads and sends dozens of events. The name → class
   table is built once and rebuilt when a name is missing (a subclass imported later), so the
   answers are Rasa's own.
3. `RemoteAction.run` raised when the action server failed or could not be reached, and Rasa
   then said nothing at all. Now the chat is handed to a person and the buyer gets the apology
   (bot/rasa_runtime/action_failures.py); a rejection (a form's validation) still passes through.
4. Parses kept by text, and 5. the NLU parse off the event loop, in a thread of its own
   (bot/rasa_runtime/parsing.py).
6. `RemoteAction.run` posted every action call to the action server: a new aiohttp session per
   call, JSON both ways, and a second process whose CPU counts per message. With
   ACTIONS_IN_PROCESS (the default) Rasa's own `run` is called with the action endpoint swapped
   for one that hands the same payload to rasa-sdk's executor in this process
   (bot/rasa_runtime/in_process_actions.py); the reply is validated (1), uttered and
   deserialised by Rasa's code as before, and a failure still reaches 3. It replaces the same
   function as 3, so it is installed first and 3 wraps it.
7. `DaskGraphRunner.run` built dask's scheduler and the minimal schema anew, and formatted a debug
   line of the whole graph schema, for every parse and prediction: the graphs now run without
   dask (bot/rasa_runtime/graph_runner.py).
8. `DialogueStateTracker.__init__` copied each slot with `copy.copy`'s pickle protocol, for every
   tracker a turn builds: slots now copy their `__dict__` (bot/rasa_runtime/slot_copy.py).
9. `Domain.states_for_tracker_history` replayed the whole tracker into dialogue states for every
   prediction, three times a prediction with our two policies (py-spy, 50 buyers: 16% of the
   server's Python time). The states are now carried forward on the tracker, one walk per way of
   asking, and only new events replayed (bot/rasa_runtime/rule_states.py).
10. `DialogueStateTracker.applied_events` walked the whole tracker twice on each of a dozen calls
   a turn: the result is kept on the tracker and extended while events are only appended
   (bot/rasa_runtime/applied_events.py).
11. Debug log lines' deep copies left out (bot/rasa_runtime/log_only_copies.py).
12. Rules indexed by the latest state's previous action (bot/rasa_runtime/rule_keys.py).
13. Memoization's lookup without compressing the states (bot/rasa_runtime/memo_keys.py).
14. Trackers copied from their state, not replayed (bot/rasa_runtime/tracker_copy.py). It replaced
   an earlier patch 14 that handed only a custom action without policy events the tracker itself:
   that case was 7 of 784 copies in a profile, and every copy is now cheap.
15. `Domain.is_empty` built an empty domain for every parsed message (bot/rasa_runtime/empty_domain.py).
16. `DialogueStateTracker.current_state` deep-copied a running form's trigger message leaf by leaf
   for every action call (bot/rasa_runtime/loop_state.py).
17. `FormAction._temporary_tracker` replayed the session for every slot a form validates: a copy
   now, where that is the same (bot/rasa_runtime/form_tracker.py).
18. `RulePolicy` formatted every dialogue state for a debug line on each prediction, whatever the
   log level: now only when the line is written (bot/rasa_runtime/log_states.py).
"""

from __future__ import annotations

import asyncio
import copy
import logging
from functools import lru_cache
from typing import Any, Dict, List, Text

from bot.rasa_runtime import (
    applied_events,
    empty_domain,
    form_tracker,
    log_only_copies,
    log_states,
    loop_state,
    memo_keys,
    parsing,
    rule_keys,
    rule_states,
    slot_copy,
    tracker_copy,
)
from bot.rasa_runtime.action_result import ActionResultValidator
from bot.rasa_runtime.pinning import Patch, rasa_attribute, source_fingerprint

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"


# -- 1. action-result schema validated by a validator built once ---------------------------------


@lru_cache(maxsize=1)
def _action_result_validator() -> ActionResultValidator:
    from rasa.core.actions.action import RemoteAction

    return ActionResultValidator(RemoteAction.action_response_format_spec())


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _action_result_validator().validate(result)
        return True
    except ValidationError as e:
        # Same message as Rasa's own, so logs and callers see no difference.
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


_remote_action = rasa_attribute("rasa.core.actions.action", "RemoteAction")


def _install_validator(owner: Any) -> None:
    owner._validate_action_result = _validate_action_result


# -- 2. event classes looked up in a table, not by walking every subclass -------------------------

_event_classes: Dict[str, Any] = {}


def _event_table() -> Dict[str, Any]:
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    table: Dict[str, Any] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)  # the first match, as Rasa's loop returns it
    return table


def _resolve_by_type(type_name: Text, default: Any = None) -> Any:
    cls = _event_classes.get(type_name)
    if cls is None:
        _event_classes.clear()
        _event_classes.update(_event_table())
        cls = _event_classes.get(type_name)
    if cls is not None:
        return cls
    if type_name == "topic":
        return None  # backwards compatibility to support old TopicSet evts (as Rasa)
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


_event = rasa_attribute("rasa.shared.core.events", "Event")


def _install_event_table(owner: Any) -> None:
    owner.resolve_by_type = staticmethod(_resolve_by_type)


# -- 3. a failed action server: an apology and a person, not silence -------------------------------

_original_remote_run: Any = None


async def _run_or_hand_off(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
    from rasa.core.actions.action import ActionExecutionRejection
    from rasa.shared.core.events import BotUttered, SlotSet
    from rasa.shared.exceptions import RasaException

    from bot.metrics.fold import HANDOFF_SLOT
    from bot.rasa_runtime.action_failures import hand_off_failed_action

    try:
        return await _original_remote_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except RasaException:
        text = (tracker.latest_message.text if tracker.latest_message else "") or ""
        said = await asyncio.to_thread(hand_off_failed_action, tracker.sender_id, self.name(), text)
        events: List[Any] = [BotUttered(said.text)]
        if said.handoff_reason:
            events.append(SlotSet(HANDOFF_SLOT, said.handoff_reason.value))  # counted by the owner's numbers
        return events


def _install_run_or_hand_off(owner: Any) -> None:
    global _original_remote_run
    _original_remote_run = owner.run
    owner.run = _run_or_hand_off


# -- 6. actions in this process -----------------------------------------------------------------

_original_http_run: Any = None


@lru_cache(maxsize=1)
def actions_in_process() -> bool:
    from bot.settings import Settings

    return Settings().actions_in_process


async def _run_in_process(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
    if not actions_in_process():
        return await _original_http_run(self, output_channel, nlg, tracker, domain)
    from bot.rasa_runtime.in_process_actions import InProcessEndpoint

    local = copy.copy(self)  # Rasa builds a RemoteAction per call, but keep its endpoint untouched
    local.action_endpoint = InProcessEndpoint(self.action_endpoint)
    return await _original_http_run(local, output_channel, nlg, tracker, domain)


def _install_run_in_process(owner: Any) -> None:
    global _original_http_run
    _original_http_run = owner.run
    owner.run = _run_in_process
    if actions_in_process():
        from bot.rasa_runtime.in_process_actions import executor

        executor()  # actions/ imported while the server starts, not on a buyer's first message


# -- 4 and 5: bot/rasa_runtime/parsing.py ---------------------------------------------------------

_message_processor = rasa_attribute("rasa.core.processor", "MessageProcessor")


_dask_graph_runner = rasa_attribute("rasa.engine.runner.dask", "DaskGraphRunner")


def _install_graph_runner(owner: Any) -> None:
    from bot.rasa_runtime.graph_runner import run_graph

    owner.run = run_graph


PATCHES: List[Patch] = [
    Patch(
        name="action result schema validator built once",
        target=_remote_action,
        attribute="_validate_action_result",
        source_sha256="f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42",
        install=_install_validator,
    ),
    Patch(
        name="event classes from a table",
        target=_event,
        attribute="resolve_by_type",
        source_sha256="b5cf570fa7f286c7059ec73d8880528d03a78b28cf4e80285a46079c0fa65968",
        install=_install_event_table,
    ),
    Patch(  # 6, before 3: 3 wraps it, so a failing action in this process is handed off too
        name="actions in the Rasa server's process",
        target=_remote_action,
        attribute="run",
        source_sha256="ccabf6f1160d527a157fad5bd285ce69e8221b1bcad23f8a61499b4360a1c17e",
        install=_install_run_in_process,
    ),
    Patch(
        name="a failed action server hands the chat to a person",
        target=_remote_action,
        attribute="run",
        source_sha256="ccabf6f1160d527a157fad5bd285ce69e8221b1bcad23f8a61499b4360a1c17e",
        install=_install_run_or_hand_off,
    ),
    Patch(
        name="parses kept by text",
        target=_message_processor,
        attribute="_parse_message_with_graph",
        source_sha256="0bd50a53b5c013af8458cbefe5dbcbd5c02c82a671a841b1947b3e8964e5c3d1",
        install=parsing.install_parse_cache,
    ),
    Patch(
        name="the NLU parse off the event loop",
        target=_message_processor,
        attribute="parse_message",
        source_sha256="b98d8e49b9f2c433040af62752212dc374600d50cd21deec82386642b64d30dc",
        install=parsing.install_parse_off_the_loop,
    ),
    Patch(
        name="graphs run without dask's scheduler",
        target=_dask_graph_runner,
        attribute="run",
        source_sha256="45f0f52f574f3aa9546a552bf671183e171092c18b66e97f5771a7fa295de37e",
        install=_install_graph_runner,
    ),
    slot_copy.PATCH,
    rule_states.PATCH,
    applied_events.PATCH,
    log_only_copies.PATCH,
    rule_keys.PATCH,
    memo_keys.PATCH,
    tracker_copy.PATCH,
    empty_domain.PATCH,
    loop_state.PATCH,
    form_tracker.PATCH,
    log_states.PATCH,
]

_applied: Dict[str, bool] = {}
_rasa_code: Dict[Any, Any] = {}  # (owner, attribute) → Rasa's own function, before any patch


def original_of(patch: Patch) -> Any:
    """The Rasa code a patch replaces (also after it was applied in this process)."""
    owner = patch.target()
    return _rasa_code.get((owner, patch.attribute)) or getattr(owner, patch.attribute)


def rasa_version() -> str:
    from rasa.version import __version__

    return __version__


def apply() -> Dict[str, bool]:
    """Applies every patch whose target is still the code it was written for (idempotent).
    Returns which patches are in place."""
    version = rasa_version()
    for patch in PATCHES:
        if _applied.get(patch.name):
            continue
        owner = patch.target()
        original = getattr(owner, patch.attribute)
        # Two patches of one function (6 and 3) are both checked against Rasa's code.
        rasa_code = _rasa_code.get((owner, patch.attribute), original)
        if (
            version != RASA_VERSION
            or source_fingerprint(rasa_code) != patch.source_sha256
            or not all(pin.holds() for pin in patch.also_pinned)
        ):
            logger.error(
                "not applying the Rasa patch %r: it was written for Rasa %s and %s.%s has "
                "changed (Rasa %s); check whether the fix is still needed",
                patch.name,
                RASA_VERSION,
                owner.__name__,
                patch.attribute,
                version,
            )
            _applied[patch.name] = False
            continue
        _rasa_code.setdefault((owner, patch.attribute), original)
        patch.install(owner)
        _applied[patch.name] = True
    return dict(_applied)
