"""An agent's reply: only from the agent holding the chat, to the chat window, then the shop."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.console.callback import AgentReply, CallbackOutcome, ShopCallback
from bot.console.rasa_client import RasaClient
from bot.handoff.delivery import AgentMessage
from bot.handoff.queue import HandoffQueue
from bot.models import Model


class ReplyOutcome(Model):
    chat_window: bool  # recorded in the conversation and pushed to the buyer's socket.io window
    shop_callback: CallbackOutcome


async def send_reply(
    queue: HandoffQueue,
    rasa: RasaClient,
    callback: ShopCallback,
    conversation_id: str,
    agent: str,
    text: str,
) -> ReplyOutcome:
    """Raises HandoffError unless `agent` holds the chat, RasaUnavailable if it could not go out."""
    handoff = queue.check_holder(conversation_id, agent)
    message = AgentMessage(conversation_id=conversation_id, agent=agent, text=text)
    await rasa.deliver(message)
    queue.record_reply(conversation_id, agent, message.text)
    outcome = await callback.send(
        AgentReply(
            conversation_id=conversation_id,
            buyer_id=handoff.buyer_id,
            agent=agent,
            text=message.text,
            sent_at=datetime.now(timezone.utc),
        )
    )
    return ReplyOutcome(chat_window=True, shop_callback=outcome)
