"""Patch 14: a custom action reads the turn's tracker instead of a replayed copy
(bot/rasa_runtime/patches.py).

`MessageProcessor._run_action` starts with `tracker.copy()` before every action, so that the
policy's events of the prediction can be added to it and thrown away if the action is rejected.
The copy replays every event of the session into a new tracker (cProfile, one buyer: 7% of the
event loop's time). For a custom action (`RemoteAction`, ours run in this process by patch 6)
with no policy events, the copy serves nothing: the action only reads the tracker (it builds the
payload from it and fills the responses' slots), and on a rejection Rasa logs on the original
anyway. So for that case the one `copy()` at the start of `_run_action` returns the tracker
itself; every other action (forms, Rasa's own) and every later copy is Rasa's.

tests/rasa/test_action_tracker.py runs Rasa's `_run_action` and this one on equal trackers and
compares what they log, and checks that no other copy is shared.
"""

from __future__ import annotations

from typing import Any

from bot.rasa_runtime.pinning import Patch, Pin, rasa_attribute

_rasa_run_action: Any = None


message_processor_class = rasa_attribute("rasa.core.processor", "MessageProcessor")
remote_action_class = rasa_attribute("rasa.core.actions.action", "RemoteAction")


def reads_only(action: Any, prediction: Any) -> bool:
    """A custom action with nothing for the temporary tracker but the turn's own events."""
    return type(action) is remote_action_class() and not prediction.events


async def run_action(self: Any, action: Any, tracker: Any, output_channel: Any, nlg: Any, prediction: Any) -> bool:
    if not reads_only(action, prediction):
        return await _rasa_run_action(self, action, tracker, output_channel, nlg, prediction)

    def shared_once() -> Any:
        del tracker.__dict__["copy"]  # only `_run_action`'s first copy is the tracker itself
        return tracker

    tracker.__dict__["copy"] = shared_once
    try:
        return await _rasa_run_action(self, action, tracker, output_channel, nlg, prediction)
    finally:
        tracker.__dict__.pop("copy", None)


def install(owner: Any) -> None:
    global _rasa_run_action
    _rasa_run_action = owner._run_action
    owner._run_action = run_action


PATCH = Patch(
    name="custom actions read the turn's tracker",
    target=message_processor_class,
    attribute="_run_action",
    source_sha256="6d383d0179ef1187639887289168959a5a82f94e6949e4e27bb83b2165094995",
    install=install,
    also_pinned=(
        Pin(remote_action_class, "_action_call_format", "428795b944f22edba142d278ec47a30098975b01463ba337ec447dade52a0492"),
        Pin(remote_action_class, "_utter_responses", "7a3bd35c97900bf6bf7a0cc45a7517efbcb0754c0ba7bb31e323d392768a152a"),
    ),
)
