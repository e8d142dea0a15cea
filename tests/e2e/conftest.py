"""The real assistant: a throwaway Redis, the Rasa server (our actions in its process, or with
ACTIONS_IN_PROCESS=false an action server beside it) and the agent console on free ports. `Stack`
can stop and start each process again on the same ports (restart tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
import requests

from bot.console.auth import hash_password
from bot.handoff.delivery import rasa_api_token
from bot.handoff.queue import HandoffQueue
from bot.loader import load_file
from bot.model_files import trained_model
from bot.redis_server import RedisServer, free_port
from bot.runner import RASA, redis_env, wait_for
from bot.settings import PROJECT_ROOT
from bot.store import ShopStore, connect
from tests.conftest import DEMO_FILE, DEMO_NOW, handoffs_of

# Console logins of the end-to-end stack.
AGENTS = {"alice": "alice-password-1", "bob": "bob-password-2"}
OWNERS = {"boss": "boss-password-3"}  # the shop owner (the dashboard)
CONSOLE_SECRET = "e2e-console-secret"
RASA_API_TOKEN = {"token": rasa_api_token(CONSOLE_SECRET)}


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
        return requests.get(f"{self.url}/conversations/{sender}/tracker", params=RASA_API_TOKEN, timeout=30).json()

    def alive(self) -> bool:
        return requests.get(f"{self.url}/status", params=RASA_API_TOKEN, timeout=10).ok


class ConsoleClient:
    """An agent using the console's JSON API (what the workbench page calls)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.headers["X-Requested-With"] = "console"

    def login(self, name: str, password: Optional[str] = None) -> "ConsoleClient":
        response = self.http.post(
            f"{self.url}/login",
            data={"name": name, "password": password or AGENTS[name]},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, response.text
        return self

    def get(self, path: str) -> requests.Response:
        return self.http.get(f"{self.url}{path}", allow_redirects=False, timeout=30)

    def post(self, path: str, body: Optional[Dict] = None) -> requests.Response:
        return self.http.post(f"{self.url}{path}", json=body or {}, allow_redirects=False, timeout=60)

    def handoffs(self) -> List[Dict]:
        response = self.get("/api/handoffs")
        response.raise_for_status()
        return response.json()["handoffs"]


class Stack:
    """Redis, action server, Rasa server and console, each on a port fixed for the stack's life."""

    def __init__(self, directory: Path, persistent_redis: bool = False, **env: str) -> None:
        self.directory = directory
        self.redis = RedisServer(free_port(), directory / "redis", persistent=persistent_redis)
        self.action_port, self.rasa_port, self.console_port = free_port(), free_port(), free_port()
        self.logs = directory / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.model = trained_model()
        self.env = dict(os.environ)
        self.env.update(redis_env(self.redis.url))
        self.env.update(
            ACTION_PORT=str(self.action_port),
            RASA_PORT=str(self.rasa_port),
            CONSOLE_PORT=str(self.console_port),
            CONSOLE_HOST="127.0.0.1",
            CONSOLE_SECRET=CONSOLE_SECRET,
            CONSOLE_AGENTS=",".join(f"{name}:{hash_password(pw)}" for name, pw in AGENTS.items()),
            CONSOLE_OWNERS=",".join(f"{name}:{hash_password(pw)}" for name, pw in OWNERS.items()),
            SHOP_FIXED_NOW=DEMO_NOW.isoformat(),
            SHOP_ID="demo",
        )
        self.env.pop("SHOP_CALLBACK_URL", None)
        self.env.update(env)
        # Our actions run in the Rasa server's process unless ACTIONS_IN_PROCESS=false is passed.
        self.actions_in_process = json.loads(self.env.get("ACTIONS_IN_PROCESS") or "true")
        self.processes: Dict[str, subprocess.Popen] = {}

    @property
    def store(self) -> ShopStore:
        return ShopStore(connect(self.redis.url), "demo")

    @property
    def assistant(self) -> Assistant:
        return Assistant(self.rasa_port, self.store)

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    def _commands(self) -> Dict[str, tuple]:
        return {
            "actions": (
                [sys.executable, "-m", "bot.action_server", "--port", str(self.action_port)],
                f"http://127.0.0.1:{self.action_port}/health",
                120,
            ),
            "rasa": (
                [
                    RASA,
                    "run",
                    "--enable-api",
                    "--auth-token",
                    RASA_API_TOKEN["token"],
                    "--port",
                    str(self.rasa_port),
                    "--model",
                    str(self.model),
                    "--credentials",
                    "credentials.yml",
                    "--endpoints",
                    "endpoints.yml",
                ],
                f"http://127.0.0.1:{self.rasa_port}/",
                300,  # "/" needs no token
            ),
            "console": ([sys.executable, "-m", "bot.console"], f"{self.console_url}/healthz", 60),
        }

    def start(self, name: str) -> None:
        command, health, timeout = self._commands()[name]
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=open(self.logs / f"{name}.log", "a"),
            stderr=subprocess.STDOUT,
        )
        self.processes[name] = process
        wait_for(health, process, timeout)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def start_all(self) -> "Stack":
        self.redis.start()
        if not self.store.has_shop():
            load_file(DEMO_FILE, self.store)
        for name in ("rasa", "console") if self.actions_in_process else ("actions", "rasa", "console"):
            self.start(name)
        return self

    def stop_all(self) -> None:
        for name in ("console", "rasa", "actions"):
            self.stop(name)
        self.redis.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = Stack(tmp_path_factory.mktemp("e2e"))
    try:
        yield started.start_all()
    finally:
        started.stop_all()


@pytest.fixture(scope="session")
def assistant(stack: Stack) -> Assistant:
    return stack.assistant


@pytest.fixture
def sender() -> str:
    """A fresh conversation id per test (not a known buyer)."""
    return f"visitor-{uuid.uuid4().hex[:8]}"


def end_handoff(store: ShopStore, sender: str) -> None:
    """Give the chat back to the assistant if a test left it with a human."""
    handoff = handoffs_of(store).handoff(sender)
    if handoff is not None and handoff.state.with_human:
        HandoffQueue(store).close(sender, handoff.claimed_by or "e2e")


def restart(assistant: Assistant, sender: str) -> None:
    """Start the buyer's conversation afresh (buyer ids are shared between tests)."""
    end_handoff(assistant.store, sender)
    requests.post(
        f"{assistant.url}/conversations/{sender}/tracker/events",
        json={"event": "restart"},
        params=RASA_API_TOKEN,
        timeout=30,
    ).raise_for_status()


@pytest.fixture(autouse=True)
def nobody_online(request: pytest.FixtureRequest) -> None:
    """Each test starts with no agent online (a workbench page an earlier test opened keeps its
    agent online for 30 s): tests that need one say so."""
    if "stack" in request.fixturenames or "assistant" in request.fixturenames:
        store = request.getfixturevalue("stack").store
        for name in AGENTS:
            handoffs_of(store).mark_agent_offline(name)
