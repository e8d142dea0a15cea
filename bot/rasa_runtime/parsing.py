"""Patches 4 and 5 (bot/rasa_runtime/patches.py): where a buyer's message is parsed.

4. `MessageProcessor._parse_message_with_graph` ran the whole NLU graph for every message, also
   for the thousandth 在吗 or 包邮吗 of the day (py-spy at 50 buyers: the parse 28% of the Rasa
   server's time). Our pipeline's output is a function of the text alone (no component reads the
   tracker or the metadata; tests/integration/rasa_runtime/test_patches.py), so parses are kept
   by (model, text) in a bounded LRU and handed out as copies; only the default output is kept
   (the full one carries the message id and metadata).
5. `MessageProcessor.parse_message` ran the NLU graph on the event loop: while one message was
   parsed (py-spy, distinct texts: 47-53% of the Rasa server's busy time, the sentence encoder
   35-39%) no other request of the server moved. The graph now runs in one dedicated thread
   (one, so the NLU components still see one parse at a time); the encoder's C code releases
   the GIL, so the event loop serves other buyers meanwhile. The rest is Rasa's own (retrieval
   intent, unseen-feature check); only its debug log line is left out. (A worker process for
   the parse was tried on 2026-12-07 and dropped: ProcessPoolExecutor's hand-offs cost more CPU
   a message than the GIL time it freed; docs/peak-days.md.)
"""

from __future__ import annotations

import asyncio
import copy
import pickle
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Optional, Text, Tuple, Union

PARSE_CACHE_SIZE = 10000

ParseKey = Tuple[str, str]  # (model id, text)


class ParseCache:
    """Default parses by (model id, text), the least recently used dropped first; each step
    holds a lock, as the parse thread and any other caller may use it at once.

    A parse is kept pickled: bytes are not walked by Python's cyclic garbage collector, whose
    full passes stop every buyer's turn (78-119 ms each under load on one server, gc.callbacks),
    where a parse kept as dicts added about twenty containers to each pass. The pickle round trip
    is also the copy handed out: 2.3 + 3.4 µs against 34 µs a deep copy of a parse. A parse
    pickle refuses is kept as a deep copy."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._parses: "OrderedDict[ParseKey, Union[bytes, Dict[Text, Any]]]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: ParseKey) -> Optional[Dict[Text, Any]]:
        """A copy of the kept parse: callers add to it (the full retrieval intent, the tracker)."""
        with self._lock:
            kept = self._parses.get(key)
            if kept is None:
                return None
            self._parses.move_to_end(key)
        return pickle.loads(kept) if isinstance(kept, bytes) else copy.deepcopy(kept)

    def keep(self, key: ParseKey, parsed: Dict[Text, Any]) -> None:
        kept: Union[bytes, Dict[Text, Any]]
        try:
            kept = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            kept = copy.deepcopy(parsed)
        with self._lock:
            self._parses[key] = kept
            while len(self._parses) > self.size:
                self._parses.popitem(last=False)

    def __len__(self) -> int:
        return len(self._parses)

    def clear(self) -> None:
        with self._lock:
            self._parses.clear()


CACHE = ParseCache(PARSE_CACHE_SIZE)

# -- 4. parses kept by text ------------------------------------------------------------------------

_rasa_parse_with_graph: Any = None


def original_parse_with_graph() -> Any:
    """Rasa's `_parse_message_with_graph`, without the cache."""
    return _rasa_parse_with_graph


def _key(processor: Any, message: Any, only_output_properties: bool) -> Optional[ParseKey]:
    """The cache key of a parse, None for one that is not kept (the full output, no text)."""
    if not only_output_properties or not isinstance(message.text, str):
        return None
    return processor.model_metadata.model_id, message.text


def parse_with_cache(self: Any, message: Any, tracker: Any, only_output_properties: bool = True) -> Dict[Text, Any]:
    key = _key(self, message, only_output_properties)
    if key is None:
        return _rasa_parse_with_graph(self, message, tracker, only_output_properties)
    parsed = CACHE.get(key)
    if parsed is None:
        parsed = _rasa_parse_with_graph(self, message, tracker, only_output_properties)
        CACHE.keep(key, parsed)
    return parsed


def install_parse_cache(owner: Any) -> None:
    global _rasa_parse_with_graph
    _rasa_parse_with_graph = owner._parse_message_with_graph
    owner._parse_message_with_graph = parse_with_cache


# -- 5. the NLU parse off the event loop ------------------------------------------------------------

_parse_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu-parse")
_rasa_parse_message: Any = None


async def parse_message_off_the_loop(
    self: Any, message: Any, tracker: Any = None, only_output_properties: bool = True
) -> Dict[Text, Any]:
    if self.http_interpreter:
        return await _rasa_parse_message(self, message, tracker, only_output_properties)
    if tracker is None:
        from rasa.shared.core.trackers import DialogueStateTracker

        tracker = DialogueStateTracker.from_events(message.sender_id, [])
    parse_data = await asyncio.get_running_loop().run_in_executor(
        _parse_thread, self._parse_message_with_graph, message, tracker, only_output_properties
    )
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


def install_parse_off_the_loop(owner: Any) -> None:
    global _rasa_parse_message
    _rasa_parse_message = owner.parse_message
    owner.parse_message = parse_message_off_the_loop
