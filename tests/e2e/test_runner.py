"""`make run`'s runner as a newcomer uses it: embedded Redis, demo shop, both servers and the agent
console, then stop."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis
import requests

from bot.redis_server import free_port
from bot.runner import wait_for
from bot.settings import PROJECT_ROOT
from bot.store import ShopStore, connect

pytestmark = pytest.mark.e2e


def test_runner_starts_everything_and_stops_it_all(tmp_path: Path) -> None:
    redis_port, rasa_port, action_port, console_port = free_port(), free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        EMBEDDED_REDIS_PORT=str(redis_port),
        EMBEDDED_REDIS_DIR=str(tmp_path / "redis"),
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        CONSOLE_PORT=str(console_port),
    )
    runner = subprocess.Popen(
        [sys.executable, "-m", "bot.runner"], cwd=PROJECT_ROOT, env=env,
        stdout=open(tmp_path / "runner.log", "w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{rasa_port}/status", runner, 300)
        wait_for(f"http://127.0.0.1:{console_port}/healthz", runner, 120)  # started after Rasa
        reply = requests.post(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            json={"sender": "buyer_xiaomei", "message": "亲 在吗"},
            timeout=60,
        ).json()
        store = ShopStore(connect(f"redis://127.0.0.1:{redis_port}/0"), "demo")
        assert store.shop().name in reply[0]["text"]
        console = requests.get(f"http://127.0.0.1:{console_port}/api/handoffs", timeout=10)
        assert console.status_code == 401  # up, and closed without a login
    finally:
        runner.send_signal(signal.SIGINT)
        assert runner.wait(timeout=60) == 0
    # Everything it started is gone, and the embedded Redis kept its data on disk.
    with pytest.raises(redis.ConnectionError):
        redis.Redis(port=redis_port, socket_connect_timeout=1).ping()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{action_port}/health", timeout=2)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{console_port}/healthz", timeout=2)
    assert any((tmp_path / "redis").rglob("*.aof"))
