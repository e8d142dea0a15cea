"""Our rasa-sdk actions run inside the Rasa server's process (ACTIONS_IN_PROCESS, the default).

Over HTTP every action call cost the Rasa server a new aiohttp session, a JSON encode and
decode, and the action server a whole Sanic request; the action server was a second process
whose CPU counted per message too. Here `InProcessEndpoint` stands in for the action endpoint
(bot.rasa_runtime.patches swaps it in for `RemoteAction.run`): it hands the payload Rasa would
post to rasa-sdk's own `ActionExecutor`, with `actions/` registered once per process, and
answers what rasa-sdk's `/webhook` would have answered, errors included (a rejection is a 400,
an unknown action a 404, anything else a 500), so Rasa's `run` treats both paths alike.

Our actions are synchronous and read Redis: on the event loop they would stop every other
buyer's turn. Each call runs in a small thread pool, on that thread's own event loop (rasa-sdk's
executor is async; a form's validation may await).
"""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Dict, Optional, Text

import ujson
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

logger = logging.getLogger(__name__)

# The rasa-sdk code this module mirrors: its server's `/webhook` (inside `create_app`: which
# error is which status) and `ActionExecutor.run`. tests/integration/rasa_runtime/ checks them.
RASA_SDK_VERSION = "3.6.2"
CREATE_APP_SHA256 = "4f0ea292cb96d1f8d16a8fd42502dddc8c20d8242c72bf0b95f4c259b5e40952"
EXECUTOR_RUN_SHA256 = "e7b927646292849ffd01d46072969a8881fcfbcc9cb7c5b855399fe8040c6592"
ACTIONS_PACKAGE = "actions"
# Actions spend most of their time waiting on Redis; a few threads overlap those waits. The
# HTTP action server ran them one at a time on its event loop.
ACTION_THREADS = 4

_pool = ThreadPoolExecutor(max_workers=ACTION_THREADS, thread_name_prefix="actions")
_loops = threading.local()


@lru_cache(maxsize=1)
def executor() -> ActionExecutor:
    """rasa-sdk's executor with our actions, built once per process (as the action server's)."""
    built = ActionExecutor()
    built.register_package(ACTIONS_PACKAGE)
    return built


def _thread_loop() -> asyncio.AbstractEventLoop:
    loop = getattr(_loops, "loop", None)
    if loop is None:
        loop = _loops.loop = asyncio.new_event_loop()
    return loop


def _run_in_thread(action_call: Dict[Text, Any]) -> Optional[Dict[Text, Any]]:
    return _thread_loop().run_until_complete(executor().run(action_call))


def _through_json(value: Any) -> Any:
    # ASCII escapes: only parsed back here, and 15% quicker than writing the Chinese out.
    return ujson.loads(ujson.dumps(value))


def _copy_of_payload(payload: Dict[Text, Any]) -> Dict[Text, Any]:
    """A copy of what Rasa sends, sharing nothing with its tracker. Rasa builds it from JSON-ready
    dicts, lists and scalars (what it would post), so a pickle round trip gives what JSON would,
    in about half the time (74 against 136 µs for an 8-turn chat). Not marshal: it writes a
    numpy float (a confidence) out as its bytes."""
    return pickle.loads(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


def _error(status: int, reason: str, body: Dict[str, Any]) -> Exception:
    from rasa.utils.endpoints import ClientResponseError

    return ClientResponseError(status, reason, json.dumps(body))


class InProcessEndpoint:
    """What `RemoteAction.run` calls instead of its `EndpointConfig`: the same `request` call,
    answered by the executor in this process. It keeps the configured endpoint's options
    (endpoints.yml: `enable_selective_domain`), which Rasa reads to build the payload."""

    def __init__(self, configured: Any = None) -> None:
        self.kwargs: Dict[str, Any] = dict(getattr(configured, "kwargs", None) or {})
        self.url = "in-process"  # Rasa's log lines name the endpoint's url

    async def request(self, method: Text = "post", subpath: Optional[Text] = None, **kwargs: Any) -> Any:
        # The actions get plain copies of the payload (never Rasa's own objects), and the answer
        # goes through JSON as over HTTP, so Rasa gets only what rasa-sdk's webhook could send.
        # In ujson, as Sanic's webhook answers: the standard library's was 7% of the server's
        # Python time (py-spy), the payload carrying the conversation's events.
        action_call = _copy_of_payload(kwargs["json"])
        try:
            result = await asyncio.get_running_loop().run_in_executor(_pool, _run_in_thread, action_call)
        except ActionExecutionRejection as e:
            logger.debug(e)
            raise _error(400, "Bad Request", {"error": e.message, "action_name": e.action_name})
        except ActionNotFoundException as e:
            logger.error(e)
            raise _error(404, "Not Found", {"error": e.message, "action_name": e.action_name})
        except Exception as e:  # rasa-sdk's server answers 500; Rasa then fails the action
            logger.exception("action %s raised in the Rasa server's process", action_call.get("next_action"))
            raise _error(500, "Internal Server Error", {"error": repr(e)})
        return _through_json(result)
