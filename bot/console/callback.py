"""The shop's own chat system, where configured: every agent reply is also POSTed to it."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import Enum
from typing import Optional

import aiohttp

from bot.models import Model

logger = logging.getLogger(__name__)


class AgentReply(Model):
    """The JSON body POSTed to SHOP_CALLBACK_URL."""

    conversation_id: str
    buyer_id: str
    agent: str
    text: str
    sent_at: datetime


class CallbackOutcome(str, Enum):
    sent = "sent"
    failed = "failed"
    not_configured = "not_configured"


class ShopCallback:
    def __init__(self, url: Optional[str], timeout: float = 10) -> None:
        self.url = url
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, reply: AgentReply) -> CallbackOutcome:
        if not self.url:
            return CallbackOutcome.not_configured  # no network call at all
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.post(self.url, data=reply.json(), headers={"Content-Type": "application/json"}) as response:
                if 200 <= response.status < 300:
                    return CallbackOutcome.sent
                logger.warning("shop callback answered %s for %s", response.status, reply.conversation_id)
        except (aiohttp.ClientError, TimeoutError) as error:
            logger.warning("shop callback failed for %s: %s", reply.conversation_id, error)
        return CallbackOutcome.failed
