"""A Redis tracker store whose cost per message does not grow with the conversation.

Rasa 3.6.21's RedisTrackerStore keeps a conversation as one JSON blob: every save reads and
rewrites all of it, and when a message carries metadata its merge of the stored and the new
tracker compares every event with every other (4.7 s of CPU at 200 turns, measured). This store
keeps (keys in bot/store.py, `ConversationKeys`):

- `events`: every event of every session, appended once and never rewritten. Agents, exports,
  stories and `retrieve_full_tracker` read it.
- `view`: what the next turn starts from: the current session, and once that session has more
  than `2 × keep_turns` buyer messages, a header that restores its state (slots) followed by the
  last `keep_turns` buyer turns. Policies look back at most five turns and actions read only
  slots and the latest message, so what they decide is the same; a turn's load, save and the
  tracker sent to the action server stay bounded.

The view is a list too: a save pushes the turn's new events onto both lists and rewrites the
view only where it is cut (every `keep_turns` turns, or a new session). Written whole as one JSON
value, the view cost each save 112 µs of encoding and 24 KB to Redis after eight turns.

A save appends only the events added since the tracker was read, in one Lua step that also
checks nobody else appended meanwhile (the lock store serialises a conversation's turns; the
check makes a violation a slow, correct merge instead of a lost turn). The tracker a turn saved
starts that conversation's next turn on this server when nothing was appended since
(bot/rasa_runtime/recent_trackers.py).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text, Tuple

import redis
import ujson
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SerializedTrackerAsText, TrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime import patches
from bot.rasa_runtime.recent_trackers import RECENT_TRACKERS, RecentTrackers
from bot.store import ConversationKeys, event_json

logger = logging.getLogger(__name__)

EventDict = Dict[str, Any]

# KEYS: events list, view hash, view list. ARGV: expected length of the events list, the number
# n of new events, '1' when the view is rewritten ('0': extended by the new events), the n new
# events (JSON each), then, when rewritten, the whole view (JSON each). Returns the new length,
# or -1 when the events list is not the expected length.
_APPEND = """
local length = redis.call('LLEN', KEYS[1])
if length ~= tonumber(ARGV[1]) then return -1 end
local n = tonumber(ARGV[2])
for i = 4, 3 + n do redis.call('RPUSH', KEYS[1], ARGV[i]) end
if ARGV[3] == '1' then
  redis.call('DEL', KEYS[3])
  for i = 4 + n, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
else
  for i = 4, 3 + n do redis.call('RPUSH', KEYS[3], ARGV[i]) end
end
length = length + n
redis.call('HSET', KEYS[2], 'length', length)
redis.call('HDEL', KEYS[2], 'events')
return length
"""

_STASH = "_shop_stored_position"  # attribute set on a tracker this store returned


def _buyer_messages(events: Sequence[EventDict]) -> int:
    return sum(1 for event in events if event.get("event") == "user")


@dataclass
class StoredView:
    """A stored view as the JSON lines Redis holds, and how many buyer messages it has. Kept on
    every tracker the store hands out (a thousand of them in `RecentTrackers`) as strings, which
    Python's garbage collector does not walk: as dicts they were about a third of the containers
    each full collection went through under load (gc.get_objects)."""

    lines: List[str]
    buyer_messages: int

    @classmethod
    def of(cls, events: List[EventDict], lines: Optional[List[str]] = None) -> "StoredView":
        return cls(lines if lines is not None else [event_json(event) for event in events], _buyer_messages(events))

    def events(self) -> List[EventDict]:
        return ujson.loads("[" + ",".join(self.lines) + "]")


@dataclass
class StoredPosition:
    """Where a tracker this store returned stands against what is stored."""

    stored_length: int  # events in the `events` list when it was read or last saved
    tracker_offset: int  # how many of the tracker's events are already stored
    view: StoredView  # the stored view those events continue (one session, as `_next_view` wrote it)
    view_listed: bool = True  # stored as the view list (else the older one-value form: rewrite it)


def _is_action(event: EventDict, name: str) -> bool:
    return event.get("event") == "action" and event.get("name") == name


def current_session(events: Sequence[EventDict]) -> List[EventDict]:
    """The events from the last `action_session_start` on (Rasa's own split of sessions)."""
    for index in range(len(events) - 1, -1, -1):
        if _is_action(events[index], ACTION_SESSION_START_NAME):
            return list(events[index:])
    return list(events)


def compact(view: List[EventDict], keep_turns: int, domain: Domain) -> List[EventDict]:
    """The view with everything before the last `keep_turns` buyer turns replaced by a header
    that restores the state they left (slots), once there are more than 2 × keep_turns.

    The cut is made only where nothing is in progress (no active form, no follow-up action):
    otherwise the view stays as it is and the next turn tries again.
    """
    users = [i for i, event in enumerate(view) if event.get("event") == "user"]
    if keep_turns <= 0 or len(users) <= 2 * keep_turns:
        return view
    cut = users[-keep_turns]
    if cut > 0 and _is_action(view[cut - 1], ACTION_LISTEN_NAME):
        cut -= 1  # the tail starts listening, as a turn does
    before = DialogueStateTracker.from_dict("compaction", view[:cut], domain.slots)
    if before.active_loop_name or before.followup_action:
        return view
    stamp = view[cut - 1].get("timestamp")
    header: List[Event] = [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=stamp),
        SessionStarted(timestamp=stamp),
    ]
    header += [
        SlotSet(slot.name, slot.value, timestamp=stamp) for slot in before.slots.values() if slot.value != slot.initial_value
    ]
    if view[cut].get("event") == "user":
        # A buyer message the assistant did not run an action for (the channels' gate answered
        # it, or an agent had the chat) follows the last `action_listen`, not one of its own:
        # Rasa reads a message only after that action, so the header ends listening.
        header.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=stamp))
    return [event.as_dict() for event in header] + view[cut:]


def _canonical(event: EventDict) -> str:
    return json.dumps(event, sort_keys=True, ensure_ascii=False)


class ShopTrackerStore(TrackerStore, SerializedTrackerAsText):
    """Rasa's `TrackerStore` on Redis: append-only history, bounded current view."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Text = "localhost",
        port: int = 6379,
        db: int = 0,
        username: Optional[Text] = None,
        password: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        key_prefix: Text = "tracker",
        lock_key_prefix: Text = "lock",
        keep_turns: int = 8,
        recent_trackers: int = RECENT_TRACKERS,
        use_ssl: bool = False,
        client: Optional[redis.Redis] = None,
        **kwargs: Any,
    ) -> None:
        # The Rasa server builds this store at start: the moment to fix Rasa's internals too.
        patches.apply()
        self.red = client or redis.Redis(
            host=host or "localhost",
            port=int(port or 6379),
            db=int(db or 0),
            username=username or None,
            password=password or None,
            ssl=bool(use_ssl),
            decode_responses=True,
        )
        self.key_prefix = key_prefix
        self.lock_key_prefix = lock_key_prefix
        self.keep_turns = int(keep_turns)
        self.recent = RecentTrackers(int(recent_trackers))
        self._append = self.red.register_script(_APPEND)
        super().__init__(domain, event_broker, **kwargs)

    @classmethod
    def from_url(cls, url: str, domain: Optional[Domain] = None, **kwargs: Any) -> "ShopTrackerStore":
        return cls(domain, client=redis.Redis.from_url(url, decode_responses=True), **kwargs)

    def _keys(self, conversation_id: Text) -> ConversationKeys:
        return ConversationKeys(self.key_prefix, self.lock_key_prefix, conversation_id)

    def _tracker(self, sender_id: Text, events: List[EventDict]) -> DialogueStateTracker:
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots, max_event_history=self.max_event_history)

    # -- reading ---------------------------------------------------------------------------------
    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        keys = self._keys(sender_id)
        if self.recent.has(sender_id):
            length = self.red.hget(keys.view, "length")
            kept = self.recent.take(sender_id, int(length) if length is not None else None)
            if kept is not None:
                return kept
        stored, listed = self._read_view(keys)
        if not stored and not self._carry_over_legacy(keys):
            return None
        if not stored:
            stored, listed = self._read_view(keys)
        # The view as one JSON value in a hash field: written before the view list existed.
        view_listed = "events" not in stored
        view: List[EventDict] = ujson.loads(stored["events"] if not view_listed else "[" + ",".join(listed) + "]")
        tracker = self._tracker(sender_id, view)
        stored_view = StoredView.of(view, listed if view_listed else None)
        setattr(tracker, _STASH, StoredPosition(int(stored["length"]), len(tracker.events), stored_view, view_listed))
        return tracker

    def _read_view(self, keys: ConversationKeys) -> Tuple[Dict[str, str], List[str]]:
        """The view's hash and list, read together (one round trip, one moment)."""
        pipe = self.red.pipeline(transaction=True)
        pipe.hgetall(keys.view)
        pipe.lrange(keys.view_events, 0, -1)
        stored, listed = pipe.execute()
        return stored, listed

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        keys = self._keys(sender_id)
        raw = self.red.lrange(keys.events, 0, -1)
        if not raw and self._carry_over_legacy(keys):
            raw = self.red.lrange(keys.events, 0, -1)
        if not raw:
            return None
        return self._tracker(sender_id, [ujson.loads(line) for line in raw])

    async def keys(self) -> Iterable[Text]:
        pattern = ConversationKeys.view_pattern(self.key_prefix)
        return [
            ConversationKeys.conversation_of_view(self.key_prefix, key) for key in self.red.scan_iter(match=pattern, count=1000)
        ]

    async def exists(self, conversation_id: Text) -> bool:
        keys = self._keys(conversation_id)
        return bool(self.red.exists(keys.view) or self.red.exists(keys.legacy_tracker))

    # -- writing ---------------------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        keys = self._keys(tracker.sender_id)
        events = list(tracker.events)
        position: Optional[StoredPosition] = getattr(tracker, _STASH, None)
        if position is not None and len(events) >= position.tracker_offset:
            new_events = events[position.tracker_offset :]
            if not new_events:
                self.recent.keep(tracker.sender_id, tracker, position.stored_length)
                return
            new_dicts = [event.as_dict() for event in new_events]
            new_lines = [event_json(event) for event in new_dicts]
            view, cut = self._extended_view(position.view, new_dicts, new_lines)
            length = self._append_events(keys, position.stored_length, new_lines, view, cut or not position.view_listed)
            if length >= 0:
                setattr(tracker, _STASH, StoredPosition(length, len(events), view))
                if cut:  # the next turn must start from the shorter view, as read from Redis
                    self.recent.forget(tracker.sender_id)
                else:
                    self.recent.keep(tracker.sender_id, tracker, length)
                self._publish(tracker.sender_id, new_dicts)
                return
            logger.warning(
                "conversation %s changed while its turn ran (two writers?); merging",
                tracker.sender_id,
            )
        self._merge_and_save(keys, tracker, events)

    def _append_events(
        self, keys: ConversationKeys, expected_length: int, new_lines: List[str], view: StoredView, rewrite_view: bool
    ) -> int:
        """Pushes `new_lines` onto the history, and the view list becomes `view`: extended by
        them (`view` ends with them) or, when `rewrite_view`, written anew. -1: the history was
        not `expected_length` long, and nothing was written."""
        view_lines = view.lines if rewrite_view else []
        return int(
            self._append(
                keys=[keys.events, keys.view, keys.view_events],
                args=[expected_length, len(new_lines), "1" if rewrite_view else "0", *new_lines, *view_lines],
            )
        )

    def _next_view(self, events: List[EventDict]) -> Tuple[StoredView, bool]:
        """The view to store after `events`, and whether anything of `events` was cut from it."""
        session = current_session(events)
        compacted = compact(session, self.keep_turns, self.domain)
        return StoredView.of(compacted), len(session) != len(events) or compacted is not session

    def _extended_view(self, view: StoredView, new_dicts: List[EventDict], new_lines: List[str]) -> Tuple[StoredView, bool]:
        """`_next_view(view + new_dicts)` for a stored view, which is one session: the view is
        decoded only where a new session starts or it grows past 2 × keep_turns buyer messages."""
        starts = [i for i, event in enumerate(new_dicts) if _is_action(event, ACTION_SESSION_START_NAME)]
        if starts:
            first = starts[-1]
            session, replaced = StoredView.of(new_dicts[first:], new_lines[first:]), bool(first or view.lines)
        else:
            session, replaced = StoredView(view.lines + new_lines, view.buyer_messages + _buyer_messages(new_dicts)), False
        if self.keep_turns <= 0 or session.buyer_messages <= 2 * self.keep_turns:
            return session, replaced
        events = session.events()
        compacted = compact(events, self.keep_turns, self.domain)  # may keep a form's view as it is
        if compacted is events:
            return session, replaced
        return StoredView.of(compacted), True

    def _merge_and_save(self, keys: ConversationKeys, tracker: DialogueStateTracker, events: List[Event]) -> None:
        """Rasa's merge semantics (append each event not already stored), in one pass."""
        self.recent.forget(tracker.sender_id)
        for _attempt in range(5):
            stored = [ujson.loads(line) for line in self.red.lrange(keys.events, 0, -1)]
            seen = {_canonical(event) for event in stored}
            new_dicts: List[EventDict] = []
            for event in events:
                as_dict = event.as_dict()
                canonical = _canonical(as_dict)
                if canonical not in seen:
                    seen.add(canonical)
                    new_dicts.append(as_dict)
            view, _cut = self._next_view(stored + new_dicts)
            length = self._append_events(keys, len(stored), [event_json(event) for event in new_dicts], view, rewrite_view=True)
            if length >= 0:
                setattr(tracker, _STASH, StoredPosition(length, len(events), view))
                self._publish(tracker.sender_id, new_dicts)
                return
        raise RuntimeError(f"conversation {tracker.sender_id} kept changing while being saved")

    def _publish(self, sender_id: Text, new_events: List[EventDict]) -> None:
        if self.event_broker is None or not new_events:
            return
        bodies = [{"sender_id": sender_id, **event} for event in new_events]
        publish_many = getattr(self.event_broker, "publish_many", None)  # ours: one round trip
        if publish_many is not None:
            publish_many(bodies)
            return
        for body in bodies:
            self.event_broker.publish(body)

    def _carry_over_legacy(self, keys: ConversationKeys) -> bool:
        """A conversation Rasa's RedisTrackerStore wrote before this store: moved over once."""
        raw = self.red.get(keys.legacy_tracker)
        if raw is None:
            return False
        events: List[EventDict] = json.loads(raw).get("events") or []
        view, _cut = self._next_view(events)
        length = self._append_events(keys, 0, [event_json(event) for event in events], view, rewrite_view=True)
        if length >= 0:
            self.red.delete(keys.legacy_tracker)
        return True
