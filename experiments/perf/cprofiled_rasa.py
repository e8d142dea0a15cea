"""`rasa run` with cProfile on its event loop, its NLU parse thread and its action threads.

    python -m experiments.perf.cprofiled_rasa run ARGS…   (PROFILE_DIR=where the stats go)

Started by `python -m experiments.perf.cprofile_load`. SIGUSR1 starts profiling, SIGUSR2 stops
it and writes `loop.prof`, `nlu.prof` and `actions.prof` (pstats files) into PROFILE_DIR.
cProfile counts calls deterministically in the thread it runs in, so unlike py-spy it does not
charge a thread's wait for the GIL to the socket send or queue put that released it.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, List

_on = threading.Event()
# Each thread's own CPU time, not the wall clock: a call that gives up the GIL (a socket send)
# would otherwise be charged the time the thread then waits to get it back.
_loop = cProfile.Profile(time.thread_time)
_nlu = cProfile.Profile(time.thread_time)
_actions: List[cProfile.Profile] = []
_local = threading.local()  # each action thread's own profiler
_installed = False  # the wrappers go in once a process, whichever thread applies the patches


def _action_profiler() -> cProfile.Profile:
    profiler = getattr(_local, "profiler", None)
    if profiler is None:
        profiler = _local.profiler = cProfile.Profile(time.thread_time)
        _actions.append(profiler)
    return profiler


def _install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    from bot.rasa_runtime import in_process_actions, parsing

    run_action = in_process_actions._run_in_thread

    def profiled_action(action_call: Any) -> Any:
        if not _on.is_set():
            return run_action(action_call)
        return _action_profiler().runcall(run_action, action_call)

    in_process_actions._run_in_thread = profiled_action  # type: ignore[assignment]

    parse = parsing._rasa_parse_with_graph

    def profiled_parse(*args: Any, **kwargs: Any) -> Any:
        if not _on.is_set():
            return parse(*args, **kwargs)
        return _nlu.runcall(parse, *args, **kwargs)

    parsing._rasa_parse_with_graph = profiled_parse


def _start(*_: Any) -> None:
    _on.set()
    _loop.enable()  # signal handlers run on the main thread: Sanic's event loop


def _stop(*_: Any) -> None:
    _loop.disable()
    _on.clear()
    directory = Path(os.environ["PROFILE_DIR"])
    _loop.dump_stats(str(directory / "loop.prof"))
    _nlu.dump_stats(str(directory / "nlu.prof"))
    if _actions:
        stats = pstats.Stats(_actions[0])
        for profiler in _actions[1:]:
            stats.add(profiler)
        stats.dump_stats(str(directory / "actions.prof"))
    (directory / "done").touch()


def main() -> None:
    signal.signal(signal.SIGUSR1, _start)
    signal.signal(signal.SIGUSR2, _stop)
    from bot.rasa_runtime import patches

    apply = patches.apply

    def apply_and_install() -> Any:
        applied = apply()
        _install()
        return applied

    patches.apply = apply_and_install  # type: ignore[assignment]
    sys.argv = ["rasa", *sys.argv[1:]]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
