"""Patch 13: memoization looks a conversation up without compressing it
(bot/rasa_runtime/patches.py).

`MemoizationPolicy._recall_states` turns the conversation's states into their JSON text, then
zlib-compresses and base64-encodes it to look it up among the memorised stories' keys, which are
stored that way: 18 of 53 µs a call for an eight-turn chat, on every prediction, on the event
loop. And `zlib.compress` releases the GIL around deflate, so under load the event loop then waits
for another thread's switch interval to get it back (py-spy, 50 buyers: the policy's largest
share of the event loop's samples, on that line). The memorised keys are decompressed once
instead, and the conversation's text is looked up as it is.

Rasa's answer, exactly: the text is Rasa's own `json.dumps(states, sort_keys=True)` without
quotes, and a key is kept only if compressing its text gives the key back (a key this zlib would
not write is one Rasa's lookup can never hit). tests/rasa/test_memo_keys.py compares both on the
stories' states and whole conversations.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from bot.rasa_runtime.pinning import KeptOnRasaObject, Patch, Pin, rasa_attribute

ATTRIBUTE = "_shop_plain_memo_keys"
ENCODING = "utf-8"  # rasa.shared.utils.io.DEFAULT_ENCODING


@dataclass
class PlainKeys(KeptOnRasaObject):
    lookup_id: int  # the lookup these were read from (a replaced lookup is read anew)
    lookup_size: int
    actions: Dict[Text, Text]  # the memorised states' JSON text (no quotes) → action


def _plain_text(key: Text, compressed: bool) -> Optional[Text]:
    if not compressed:
        return key
    try:
        text = zlib.decompress(base64.b64decode(key, validate=True)).decode(ENCODING)
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
        return None
    # Rasa looks up the compressed form, so a key hits only if this zlib compresses to it.
    return text if base64.b64encode(zlib.compress(text.encode(ENCODING))).decode(ENCODING) == key else None


def read_keys(lookup: Dict[Text, Any], compressed: bool) -> PlainKeys:
    actions: Dict[Text, Text] = {}
    for key, action in lookup.items():
        text = _plain_text(key, compressed) if isinstance(key, str) else None
        if text is not None:
            actions[text] = action
    return PlainKeys(id(lookup), len(lookup), actions)


def keys_for(policy: Any) -> PlainKeys:
    lookup = policy.lookup
    keys = policy.__dict__.get(ATTRIBUTE)
    # The served policy's lookup is loaded once and never changed; a new or resized one is read anew.
    if keys is None or keys.lookup_id != id(lookup) or keys.lookup_size != len(lookup):
        keys = policy.__dict__[ATTRIBUTE] = read_keys(lookup, bool(policy.config["enable_feature_string_compression"]))
    return keys


def states_text(states: List[Any]) -> Text:
    """What Rasa's `_create_feature_key` compresses."""
    return json.dumps(states, sort_keys=True).replace('"', "")


memoization_policy_class = rasa_attribute("rasa.core.policies.memoization", "MemoizationPolicy")


def recall_states(self: Any, states: List[Any]) -> Optional[Text]:
    """Rasa's `lookup.get(self._create_feature_key(states))`, without compressing the states."""
    if not states or type(self)._create_feature_key is not memoization_policy_class()._create_feature_key:
        return self.lookup.get(self._create_feature_key(states))  # Rasa's own (a subclass's key)
    return keys_for(self).actions.get(states_text(states))


def install(owner: Any) -> None:
    owner._recall_states = recall_states


PATCH = Patch(
    name="memoization looks states up uncompressed",
    target=memoization_policy_class,
    attribute="_recall_states",
    source_sha256="549ef85ae8f5cd8c3cd51ce96e418fba75e32547dfc12998b10627b4c0ad1b7b",
    install=install,
    also_pinned=(
        Pin(memoization_policy_class, "_create_feature_key", "b5ee001376844f10d297b7bf9d2b8a7786d4a1016af83ad45a5425601de7bcea"),
    ),
)
