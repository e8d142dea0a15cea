"""The queue of chats handed to human agents: request, claim, reply, hand back, close.

State lives in Redis (bot/handoff/records.py): a hash per conversation, an index of open handoffs and a
stream logging every step, so a restart of any process loses nothing. Every change that depends
on the current state is one atomic step in Redis: two agents cannot claim the same chat, and only
the agent holding a chat can reply to it, hand it back or close it.

Times here are wall-clock time (how long a buyer really waits), even when SHOP_FIXED_NOW freezes
the shop's business clock for demos and tests.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import List, Optional

from bot.clock import Clock
from bot.handoff.records import HandoffRecords
from bot.handoff.rules import assistant_answers, owes_wait_update, queues_new_chat
from bot.hours import in_working_hours
from bot.models import (
    Handoff,
    HandoffChange,
    HandoffEvent,
    HandoffEventKind,
    HandoffMode,
    HandoffReason,
    HandoffState,
    Policy,
)
from bot.store import ShopStore


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


class HandoffError(Exception):
    """An agent action the handoff's state does not allow."""


class HandoffNotFound(HandoffError):
    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"conversation {conversation_id!r} has no handoff")


class HandoffTaken(HandoffError):
    def __init__(self, conversation_id: str, holder: str) -> None:
        super().__init__(f"conversation {conversation_id!r} is claimed by {holder}")
        self.holder = holder


class HandoffEnded(HandoffError):
    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"the handoff of {conversation_id!r} is already over")


class HandoffNotClaimed(HandoffError):
    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"claim conversation {conversation_id!r} before replying")


class HandoffQueue:
    def __init__(self, store: ShopStore, clock: Clock = wall_clock) -> None:
        self.store = store  # the shop's policy
        self.records = HandoffRecords(store.client, store.shop_id)
        self.clock = clock

    # -- the assistant's side ---------------------------------------------------------------
    def request(
        self,
        conversation_id: str,
        buyer_id: str,
        reason: HandoffReason,
        last_message: str = "",
        order_id: Optional[str] = None,
    ) -> Handoff:
        """Queue the chat for a human; a chat already waiting or claimed stays as it is."""
        now = self.clock()
        handoff = Handoff(
            conversation_id=conversation_id,
            buyer_id=buyer_id,
            reason=reason,
            state=HandoffState.waiting,
            created_at=now,
            last_message=last_message[:500],
            order_id=order_id,
        )
        event = HandoffEvent(kind=HandoffEventKind.requested, conversation_id=conversation_id, at=now, text=reason.value)
        self.records.open(handoff, event)
        return self.records.handoff(conversation_id) or handoff

    def with_human(self, conversation_id: str) -> bool:
        """Whether a person was asked for or has the chat (the handoff is open)."""
        state = self.records.state(conversation_id)
        return state is not None and state.with_human

    def agents_online(self) -> List[str]:
        return self.records.agents_online(self.clock())

    def assistant_answers(self, conversation_id: str, shop_now: datetime, policy: Optional[Policy] = None) -> bool:
        """Whether the assistant answers this conversation's next message (bot.handoff.rules.
        assistant_answers); `shop_now` decides the working hours."""
        return self.answers(self.records.handoff(conversation_id), shop_now, policy)

    def answers(
        self,
        handoff: Optional[Handoff],
        shop_now: datetime,
        policy: Optional[Policy] = None,
        agents_online: Optional[List[str]] = None,
    ) -> bool:
        """A caller that read the chat this turn (the channels' gate) passes what it read."""
        if handoff is None or not handoff.state.with_human:
            return True
        if handoff.state is HandoffState.claimed:
            return False
        policy = policy or self.store.shop().policy
        in_hours = in_working_hours(policy.working_hours, shop_now)
        # Who is online matters only to a human_first shop in working hours: read it only then.
        online = (
            policy.handoff_mode is HandoffMode.human_first
            and in_hours
            and bool(self.agents_online() if agents_online is None else agents_online)
        )
        return assistant_answers(handoff, policy, in_hours, online, self.clock())

    def queue_new_chat_first(
        self, conversation_id: str, last_message: str, shop_now: datetime, policy: Policy, agents_online: List[str]
    ) -> bool:
        """human_first: a chat never handed off before (the caller read that it has no handoff,
        and who is online) goes to the queue before the assistant says anything, while it is
        working hours and an agent is online. True if it was queued."""
        if policy.handoff_mode is not HandoffMode.human_first:
            return False
        in_hours = in_working_hours(policy.working_hours, shop_now)
        if not queues_new_chat(policy, in_hours, bool(agents_online), ever_handed_off=False):
            return False
        self.request(conversation_id, conversation_id, HandoffReason.human_first, last_message)
        return True

    def take_wait_update(
        self,
        conversation_id: str,
        shop_now: datetime,
        handoff: Optional[Handoff] = None,
        policy: Optional[Policy] = None,
    ) -> bool:
        """True once, when a waiting chat has waited handoff_wait_minutes of working hours: the
        caller then tells the buyer (one update, never a stream). A caller that already read the
        handoff and the policy this turn passes them."""
        handoff = handoff or self.records.handoff(conversation_id)
        policy = policy or self.store.shop().policy
        if not owes_wait_update(handoff, policy, in_working_hours(policy.working_hours, shop_now), self.clock()):
            return False
        return self.records.mark_wait_update(conversation_id, self.clock())

    # -- the agents' side -------------------------------------------------------------------
    def get(self, conversation_id: str) -> Handoff:
        handoff = self.records.handoff(conversation_id)
        if handoff is None:
            raise HandoffNotFound(conversation_id)
        return handoff

    def open_handoffs(self) -> List[Handoff]:
        return self.records.open_handoffs()

    def claim(self, conversation_id: str, agent: str) -> Handoff:
        event = HandoffEvent(kind=HandoffEventKind.claimed, conversation_id=conversation_id, at=self.clock(), agent=agent)
        change, holder = self.records.claim(conversation_id, agent, event)
        self._raise_unless_done(conversation_id, change, holder)
        return self.get(conversation_id)

    def check_holder(self, conversation_id: str, agent: str) -> Handoff:
        """The handoff, if `agent` holds it; else the reason they may not act on it."""
        handoff = self.get(conversation_id)
        if not handoff.state.with_human:
            raise HandoffEnded(conversation_id)
        if handoff.state is HandoffState.waiting:
            raise HandoffNotClaimed(conversation_id)
        if handoff.claimed_by != agent:
            raise HandoffTaken(conversation_id, handoff.claimed_by or "")
        return handoff

    def record_reply(self, conversation_id: str, agent: str, text: str) -> None:
        self.records.record_event(
            HandoffEvent(
                kind=HandoffEventKind.replied,
                conversation_id=conversation_id,
                at=self.clock(),
                agent=agent,
                text=text,
            )
        )

    def hand_back(self, conversation_id: str, agent: str) -> Handoff:
        """The assistant answers again; the conversation (and its slots) is untouched."""
        return self._end(conversation_id, agent, HandoffState.returned, HandoffEventKind.handed_back)

    def close(self, conversation_id: str, agent: str) -> Handoff:
        """The agent is done with the chat; a later buyer message reaches the assistant."""
        return self._end(conversation_id, agent, HandoffState.closed, HandoffEventKind.closed)

    def history(self, conversation_id: str) -> List[HandoffEvent]:
        return self.records.events(conversation_id)

    # -- helpers ----------------------------------------------------------------------------
    def _end(self, conversation_id: str, agent: str, state: HandoffState, kind: HandoffEventKind) -> Handoff:
        event = HandoffEvent(kind=kind, conversation_id=conversation_id, at=self.clock(), agent=agent)
        change, holder = self.records.end(conversation_id, agent, state, event)
        self._raise_unless_done(conversation_id, change, holder)
        return self.get(conversation_id)

    @staticmethod
    def _raise_unless_done(conversation_id: str, change: HandoffChange, holder: str) -> None:
        if change is HandoffChange.missing:
            raise HandoffNotFound(conversation_id)
        if change is HandoffChange.taken:
            raise HandoffTaken(conversation_id, holder)
        if change is HandoffChange.ended:
            raise HandoffEnded(conversation_id)
