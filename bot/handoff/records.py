"""The handoff queue's Redis work: each conversation's handoff, the index of open ones, the log of
every step, and which agents are online (keys `handoff:…`, `handoffs:open`, `handoff_events`,
`agents_online`; the table is in bot/store.py).

State changes are Lua scripts, so a check and its change are one atomic step: two agents cannot
both claim a chat, and only the holder can hand it back or close it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, List, Optional

from bot.models import Handoff, HandoffChange, HandoffEvent, HandoffState
from bot.store import Read, ShopRecords

_OPEN = """
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'waiting' or state == 'claimed' then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('XADD', KEYS[3], '*', 'json', ARGV[3])
return 1
"""
_CLAIM = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', ''} end
if state == 'claimed' then
  local holder = redis.call('HGET', KEYS[1], 'claimed_by')
  if holder == ARGV[1] then return {'done', holder} end
  return {'taken', holder}
end
if state ~= 'waiting' then return {'ended', ''} end
redis.call('HSET', KEYS[1], 'state', 'claimed', 'claimed_by', ARGV[1], 'claimed_at', ARGV[2])
redis.call('XADD', KEYS[2], '*', 'json', ARGV[3])
return {'done', ARGV[1]}
"""
_END = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', ''} end
if state ~= 'waiting' and state ~= 'claimed' then return {'ended', ''} end
if state == 'claimed' then
  local holder = redis.call('HGET', KEYS[1], 'claimed_by')
  if holder ~= ARGV[2] then return {'taken', holder} end
end
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'ended_by', ARGV[2], 'ended_at', ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], '*', 'json', ARGV[5])
return {'done', ARGV[2]}
"""


def _handoff_of(fields: dict) -> Optional[Handoff]:
    return Handoff.parse_obj(fields) if fields else None


class HandoffRecords(ShopRecords):
    # -- one conversation's handoff --------------------------------------------------------
    def open(self, handoff: Handoff, event: HandoffEvent) -> bool:
        """Start a handoff unless one is already open for the conversation (then False)."""
        # One hash field per model field, as JSON renders them (ISO times, enum values).
        fields = [item for pair in json.loads(handoff.json(exclude_none=True)).items() for item in pair]
        opened = self.client.register_script(_OPEN)(
            keys=[self._key("handoff", handoff.conversation_id), self._key("handoffs", "open"), self._key("handoff_events")],
            args=[handoff.conversation_id, handoff.created_at.timestamp(), event.json(), *fields],
        )
        return bool(opened)

    def handoff(self, conversation_id: str) -> Optional[Handoff]:
        return _handoff_of(self.client.hgetall(self._key("handoff", conversation_id)))

    def read_handoff(self, pipe: Any, conversation_id: str) -> Read:
        pipe.hgetall(self._key("handoff", conversation_id))
        return lambda replies: _handoff_of(next(replies))

    def state(self, conversation_id: str) -> Optional[HandoffState]:
        state = self.client.hget(self._key("handoff", conversation_id), "state")
        return HandoffState(state) if state else None

    def mark_wait_update(self, conversation_id: str, at: datetime) -> bool:
        """Record that the waiting buyer got the one 'still waiting' update; False if they
        already had it (HSETNX: two turns at once cannot both send it)."""
        return bool(self.client.hsetnx(self._key("handoff", conversation_id), "wait_update_at", at.isoformat()))

    def open_handoffs(self) -> List[Handoff]:
        """Waiting and claimed handoffs, oldest request first."""
        ids = self.client.zrange(self._key("handoffs", "open"), 0, -1)
        found = [self.handoff(conversation_id) for conversation_id in ids]
        return [h for h in found if h is not None]

    def claim(self, conversation_id: str, agent: str, event: HandoffEvent) -> tuple[HandoffChange, str]:
        """Atomically give a waiting chat to `agent`; returns what happened and who holds it."""
        change, holder = self.client.register_script(_CLAIM)(
            keys=[self._key("handoff", conversation_id), self._key("handoff_events")],
            args=[agent, event.at.isoformat(), event.json()],
        )
        return HandoffChange(change), holder or ""

    def end(self, conversation_id: str, agent: str, state: HandoffState, event: HandoffEvent) -> tuple[HandoffChange, str]:
        """Atomically end an open handoff (`state` returned or closed) unless another agent holds it."""
        change, holder = self.client.register_script(_END)(
            keys=[self._key("handoff", conversation_id), self._key("handoffs", "open"), self._key("handoff_events")],
            args=[conversation_id, agent, state.value, event.at.isoformat(), event.json()],
        )
        return HandoffChange(change), holder or ""

    # -- the log of every step -------------------------------------------------------------
    def record_event(self, event: HandoffEvent) -> str:
        return self.client.xadd(self._key("handoff_events"), {"json": event.json()})

    def events(self, conversation_id: Optional[str] = None) -> List[HandoffEvent]:
        entries = self.client.xrange(self._key("handoff_events"))
        found = [HandoffEvent.parse_raw(fields["json"]) for _, fields in entries]
        return [e for e in found if conversation_id is None or e.conversation_id == conversation_id]

    # -- agents' presence (the console's heartbeat) ----------------------------------------
    def mark_agent_online(self, agent: str, until: datetime) -> None:
        self.client.zadd(self._key("agents_online"), {agent: until.timestamp()})

    def mark_agent_offline(self, agent: str) -> None:
        self.client.zrem(self._key("agents_online"), agent)

    def agents_online(self, now: datetime) -> List[str]:
        """Agents whose heartbeat has not expired at `now`, by name (the expired are dropped)."""
        key = self._key("agents_online")
        self.client.zremrangebyscore(key, "-inf", now.timestamp())
        return sorted(self.client.zrangebyscore(key, now.timestamp(), "+inf"))

    def read_agents_online(self, pipe: Any, now: datetime) -> Read:
        pipe.zrangebyscore(self._key("agents_online"), now.timestamp(), "+inf")
        return lambda replies: sorted(next(replies))
