"""The real assistant: a throwaway Redis, the action server and the Rasa server on free ports."""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
import requests

from bot.loader import load_file
from bot.redis_server import RedisServer, free_port
from bot.runner import RASA, redis_env, wait_for
from bot.settings import PROJECT_ROOT
from bot.store import ShopStore, connect
from tests.conftest import DEMO_FILE, DEMO_NOW


class Assistant:
    def __init__(self, rasa_port: int, store: ShopStore) -> None:
        self.url = f"http://127.0.0.1:{rasa_port}"
        self.store = store

    def say(self, sender: str, text: str, item_id: Optional[str] = None) -> List[str]:
        body: Dict = {"sender": sender, "message": text}
        if item_id:
            body["metadata"] = {"item_id": item_id}
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return [m.get("text", "") for m in response.json()]

    def tracker(self, sender: str) -> Dict:
        return requests.get(f"{self.url}/conversations/{sender}/tracker", timeout=30).json()

    def alive(self) -> bool:
        return requests.get(f"{self.url}/status", timeout=10).ok


def latest_model() -> Path:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("no trained model: run `make train` (make test does)")
    return models[-1]


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    directory = tmp_path_factory.mktemp("e2e")
    server = RedisServer(free_port(), directory / "redis", persistent=False).start()
    store = ShopStore(connect(server.url), "demo")
    load_file(DEMO_FILE, store)
    action_port, rasa_port = free_port(), free_port()
    env = dict(os.environ)
    env.update(redis_env(server.url))
    env.update(ACTION_PORT=str(action_port), SHOP_FIXED_NOW=DEMO_NOW.isoformat(), SHOP_ID="demo")
    logs = directory / "logs"
    logs.mkdir()
    processes: List[subprocess.Popen] = []
    try:
        actions = subprocess.Popen(
            [RASA, "run", "actions", "--actions", "actions", "--port", str(action_port)],
            cwd=PROJECT_ROOT, env=env,
            stdout=open(logs / "actions.log", "w"), stderr=subprocess.STDOUT,
        )
        processes.append(actions)
        wait_for(f"http://127.0.0.1:{action_port}/health", actions, 120)
        rasa = subprocess.Popen(
            [
                RASA, "run", "--enable-api", "--port", str(rasa_port),
                "--model", str(latest_model()),
                "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
            ],
            cwd=PROJECT_ROOT, env=env,
            stdout=open(logs / "rasa.log", "w"), stderr=subprocess.STDOUT,
        )
        processes.append(rasa)
        wait_for(f"http://127.0.0.1:{rasa_port}/status", rasa, 300)
        yield Assistant(rasa_port, store)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        server.stop()


@pytest.fixture
def sender() -> str:
    """A fresh conversation id per test (not a known buyer)."""
    return f"visitor-{uuid.uuid4().hex[:8]}"


def restart(assistant: Assistant, sender: str) -> None:
    """Start the buyer's conversation afresh (buyer ids are shared between tests)."""
    requests.post(
        f"{assistant.url}/conversations/{sender}/tracker/events", json={"event": "restart"}, timeout=30
    ).raise_for_status()
