"""Proactive messages go out the way agent replies do: recorded in the conversation and pushed to
the buyer's socket.io window by the Rasa server, and POSTed to SHOP_CALLBACK_URL when the shop has
its own chat system. Each carries its send key as message id, so a delivery repeated after a
restart is recognised by the Rasa server and not shown twice."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from bot.console.callback import AgentReply, CallbackOutcome, ShopCallback
from bot.console.rasa_client import RasaClient, RasaUnavailable
from bot.handoff.delivery import AgentMessage
from bot.outreach.records import OutreachRecords
from bot.store import ShopStore

logger = logging.getLogger(__name__)

SHOP_SENDER = "店铺消息"  # who the console and the shop's system see as the sender


class OutreachSender:
    def __init__(self, store: ShopStore, rasa: RasaClient, callback: ShopCallback) -> None:
        self.store = store
        self.records = OutreachRecords(store.client, store.shop_id)
        self.rasa = rasa
        self.callback = callback

    async def send_once(self, send_key: str, buyer_id: str, text: str, now: datetime, marketing: bool) -> bool:
        """Send unless this send key was sent already; True when it went out now."""
        if self.records.claim_send(send_key) is not None:
            return False
        try:
            await self.rasa.deliver(AgentMessage(conversation_id=buyer_id, agent=SHOP_SENDER, text=text, message_id=send_key))
        except RasaUnavailable as error:
            logger.warning("outreach %s not delivered: %s", send_key, error)
            self.records.finish_send(send_key, sent=False)  # the next run tries again
            return False
        self.records.finish_send(send_key, sent=True)
        if marketing:
            self.records.log_marketing(buyer_id, send_key, now)
        outcome = await self.callback.send(
            AgentReply(
                conversation_id=buyer_id,
                buyer_id=buyer_id,
                agent=SHOP_SENDER,
                text=text,
                sent_at=datetime.now(timezone.utc),
            )
        )
        if outcome is CallbackOutcome.failed:
            logger.warning("outreach %s: the shop's callback failed (the chat window has it)", send_key)
        return True

    async def close(self) -> None:
        await self.rasa.close()
        await self.callback.close()
