"""`python -m bot.outreach`: the schedule of birthday wishes, follow-ups and 催付 (started by `make run`)."""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.bootstrap import Server, server_services
from bot.console.callback import ShopCallback
from bot.console.rasa_client import RasaClient
from bot.console.secret import shared_secret
from bot.outreach.scheduler import OutreachScheduler
from bot.outreach.sender import OutreachSender
from bot.settings import Settings

TICK_SECONDS = 60


async def run() -> None:
    settings = Settings()
    shop = server_services(settings, Server.OUTREACH_SCHEDULE)
    secret = shared_secret(settings)  # CONSOLE_SECRET, or the one `make run` generated
    sender = OutreachSender(shop.store, RasaClient(settings.rasa_url, secret), ShopCallback(settings.shop_callback_url))
    scheduler = OutreachScheduler(sender, shop.clock)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        while not stop.is_set():
            try:
                done = await scheduler.tick()
                if done.birthdays or done.follow_ups or done.unpaid_reminders:
                    logging.info(
                        "outreach: %d birthday wishes, %d follow-ups, %d 催付 reminders sent",
                        done.birthdays,
                        done.follow_ups,
                        done.unpaid_reminders,
                    )
            except Exception:  # Redis or the Rasa server down: the next tick tries again
                logging.exception("outreach tick failed")
            try:
                await asyncio.wait_for(stop.wait(), TICK_SECONDS)
            except asyncio.TimeoutError:
                pass
    finally:
        await sender.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(run())
