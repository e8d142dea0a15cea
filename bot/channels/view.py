"""A chat as the channels' gate sees it, read once per buyer message in one Redis round trip
(one MULTI/EXEC) and handed to each check: the sender's fair-use count (this message counted),
the follow-up question they may be answering, the shop's policy, the chat's handoff and who is
online. Each feature's records module queues its own reads (bot/store.py `Read`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import List, Optional

from bot.channels.records import ChannelRecords
from bot.handoff.queue import HandoffQueue
from bot.models import Handoff, Policy
from bot.outreach.records import OutreachRecords


@dataclass(frozen=True)
class ChatView:
    messages_in_window: int
    follow_up_order: Optional[str]  # the order a follow-up question asked about, still open
    policy: Policy
    handoff: Optional[Handoff]
    agents_online: List[str]


def read_chat(
    queue: HandoffQueue,
    channel: ChannelRecords,
    outreach: OutreachRecords,
    sender_id: str,
    window_seconds: int,
    now: datetime,
) -> ChatView:
    """`now` is wall-clock time (who is online now), as the queue's clock gives it."""
    pipe = queue.store.client.pipeline(transaction=True)
    reads = [
        channel.read_message_count(pipe, sender_id, window_seconds),
        outreach.read_pending_follow_up(pipe, sender_id),
        queue.store.read_shop(pipe),
        queue.records.read_handoff(pipe, sender_id),
        queue.records.read_agents_online(pipe, now),
    ]
    replies = iter(pipe.execute())
    count, follow_up_order, shop, handoff, online = (read(replies) for read in reads)
    return ChatView(count, follow_up_order, shop.policy, handoff, online)
