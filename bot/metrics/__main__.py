"""`python -m bot.metrics`: the consumer that folds the event stream into the owner's numbers
(started by `make run`; one is enough for a whole shop, and a restart loses nothing)."""

from __future__ import annotations

import logging
import signal
import threading

from bot.bootstrap import Server, server_services
from bot.metrics.consumer import MetricsConsumer
from bot.settings import Settings


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    MetricsConsumer(server_services(Settings(), Server.METRICS_CONSUMER).store).run(stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
