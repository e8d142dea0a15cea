"""`make run`'s runner as a newcomer uses it: embedded Redis, demo shop, both servers and the agent
console, then stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple, Optional, Tuple

import pytest
import redis
import requests

from bot.handoff.delivery import rasa_api_token
from bot.redis_server import free_port
from bot.runner import wait_for
from bot.settings import PROJECT_ROOT
from bot.store import ShopStore, connect

pytestmark = pytest.mark.e2e


class Ports(NamedTuple):
    redis: int
    rasa: int
    action: int
    console: int


def start_runner(
    tmp_path: Path, ports: Optional[Ports] = None, redis_dir: Optional[Path] = None, **extra_env: str
) -> Tuple[subprocess.Popen, Ports]:
    """A runner with its log in tmp_path/runner.log, on free ports unless given, its embedded Redis
    under tmp_path/redis unless given (two runners may share one)."""
    ports = ports or Ports(free_port(), free_port(), free_port(), free_port())
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        EMBEDDED_REDIS_PORT=str(ports.redis),
        EMBEDDED_REDIS_DIR=str(redis_dir or tmp_path / "redis"),
        RASA_PORT=str(ports.rasa),
        ACTION_PORT=str(ports.action),
        CONSOLE_PORT=str(ports.console),
        **extra_env,
    )
    runner = subprocess.Popen(
        [sys.executable, "-m", "bot.runner"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=open(tmp_path / "runner.log", "w"),
        stderr=subprocess.STDOUT,
    )
    return runner, ports


def nothing_listens(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def assert_all_stopped(ports: Ports) -> None:
    assert nothing_listens(ports.redis)
    for url in (
        f"http://127.0.0.1:{ports.action}/health",
        f"http://127.0.0.1:{ports.rasa}/",
        f"http://127.0.0.1:{ports.console}/healthz",
    ):
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=2)


def socketio_session(port: int, session_id: str) -> str:
    """What the server answers a socket.io `session_request` without a buyer token."""
    import asyncio

    import socketio

    async def ask() -> str:
        client = socketio.AsyncClient(reconnection=False)
        answer: "asyncio.Queue[str]" = asyncio.Queue()
        for event in ("session_confirm", "session_refused"):
            client.on(event, lambda data=None, event=event: answer.put_nowait(event))
        await client.connect(f"http://127.0.0.1:{port}", transports=["polling"], socketio_path="socket.io")
        try:
            await client.emit("session_request", {"session_id": session_id})
            return await asyncio.wait_for(answer.get(), timeout=30)
        finally:
            await client.eio.disconnect(abort=True)

    return asyncio.run(ask())


def listening_addresses(port: int) -> set:
    """Local IPv4/IPv6 addresses (hex, as the kernel writes them) listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1


def test_runner_starts_everything_and_stops_it_all(tmp_path: Path) -> None:
    runner, ports = start_runner(tmp_path)
    redis_port, rasa_port, console_port = ports.redis, ports.rasa, ports.console
    try:
        wait_for(f"http://127.0.0.1:{rasa_port}/", runner, 300)
        wait_for(f"http://127.0.0.1:{console_port}/healthz", runner, 120)  # started after Rasa
        answered = requests.post(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            json={"sender": "buyer_xiaomei", "message": "亲 在吗"},
            headers={"Origin": "http://127.0.0.1:9"},  # a page on another port of this host
            timeout=60,
        )
        # No wildcard CORS: a browser would not let that page read the reply.
        assert "Access-Control-Allow-Origin" not in answered.headers
        reply = answered.json()
        # The embedded Redis wants the password the runner generated beside its data, and keeps
        # that data for this user only.
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=redis_port).ping()
        password = (tmp_path / "redis" / "password").read_text().strip()
        store = ShopStore(connect(f"redis://:{password}@127.0.0.1:{redis_port}/0"), "demo")
        data_dir = tmp_path / "redis"
        assert data_dir.stat().st_mode & 0o077 == 0
        assert all(f.stat().st_mode & 0o077 == 0 for f in data_dir.rglob("*") if f.is_file())
        assert store.shop().name in reply[0]["text"]
        console = requests.get(f"http://127.0.0.1:{console_port}/api/handoffs", timeout=10)
        assert console.status_code == 401  # up, and closed without a login
        tracker = requests.get(f"http://127.0.0.1:{rasa_port}/conversations/buyer_xiaomei/tracker", timeout=10)
        assert tracker.status_code == 401  # Rasa's HTTP API needs the console's token
        # socket.io proves who the buyer is by default: no token, no session.
        assert socketio_session(rasa_port, "buyer_xiaomei") == "session_refused"
        # The Rasa API token is nowhere on a command line (`ps` shows those to every user).
        import psutil

        for child in psutil.Process(runner.pid).children(recursive=True):
            assert "--auth-token" not in child.cmdline(), child.cmdline()
        # The REST webhook answers for any sender: nobody off this machine.
        for port in (ports.rasa, ports.console):
            assert listening_addresses(port) and listening_addresses(port) <= LOOPBACK, port
        assert nothing_listens(ports.action)  # the actions run inside the Rasa server (ACTIONS_IN_PROCESS)
    finally:
        runner.send_signal(signal.SIGINT)
        assert runner.wait(timeout=60) == 0
    # Everything it started is gone, and the embedded Redis kept its data on disk.
    assert_all_stopped(ports)
    assert any((tmp_path / "redis").rglob("*.aof"))


def test_ctrl_c_while_starting_stops_what_already_runs(tmp_path: Path) -> None:
    runner, ports = start_runner(tmp_path)
    try:
        # The Rasa server has started; it takes many seconds more to load the model.
        deadline = time.monotonic() + 300
        while not rasa_servers(runner) and time.monotonic() < deadline and runner.poll() is None:
            time.sleep(0.2)
        assert rasa_servers(runner) and nothing_listens(ports.rasa)
    finally:
        runner.send_signal(signal.SIGINT)
        assert runner.wait(timeout=60) == 0
    assert_all_stopped(ports)


def rasa_servers(runner: subprocess.Popen) -> list:
    """The runner's live Rasa servers (not action servers, not nginx). A child that ends while
    it is looked at (the killed replica, reaped by the runner) is not one: on a busy machine
    that happened between listing the children and reading one's status."""
    import psutil

    def is_live_rasa_server(child: psutil.Process) -> bool:
        try:
            return child.status() != psutil.STATUS_ZOMBIE and "--enable-api" in child.cmdline()
        except psutil.NoSuchProcess:
            return False

    return [child for child in psutil.Process(runner.pid).children() if is_live_rasa_server(child)]


def test_replicas_behind_nginx_share_buyers_and_survive_a_killed_replica(tmp_path: Path) -> None:
    secret = "replica-test-console-secret"
    runner, ports = start_runner(tmp_path, REPLICAS="2", CONSOLE_SECRET=secret)
    base = f"http://127.0.0.1:{ports.rasa}"

    def say(sender: str, text: str) -> requests.Response:
        return requests.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)

    try:
        wait_for(f"http://127.0.0.1:{ports.console}/healthz", runner, 600)  # after both replicas
        assert len(rasa_servers(runner)) == 2
        for n in range(6):
            assert say(f"buyer_r{n}", "亲 在吗").json(), n  # answered through nginx
        # One replica dies. Every message is then answered, or refused with a clear error (a 502,
        # for a request the dead replica had already taken) and answered when sent again.
        rasa_servers(runner)[0].kill()
        for n in range(6):
            response = say(f"buyer_r{n}", "这件包邮吗")
            if response.status_code == 502:
                response = say(f"buyer_r{n}", "这件包邮吗")
            assert response.status_code == 200 and response.json(), (n, response.status_code)
        # Every buyer's two turns are stored, each once.
        for n in range(6):
            events = requests.get(
                f"{base}/conversations/buyer_r{n}/tracker",
                params={"token": rasa_api_token(secret)},
                timeout=30,
            ).json()["events"]
            assert [e["text"] for e in events if e["event"] == "user"] == ["亲 在吗", "这件包邮吗"], n
        # The runner starts the dead replica again.
        deadline = time.monotonic() + 120
        while len(rasa_servers(runner)) < 2 and time.monotonic() < deadline:
            time.sleep(1)
        assert len(rasa_servers(runner)) == 2
        assert "restarting it" in (tmp_path / "runner.log").read_text()
    finally:
        runner.send_signal(signal.SIGINT)
        assert runner.wait(timeout=90) == 0
    assert_all_stopped(ports)


def test_the_runner_brings_back_a_killed_redis_and_the_next_message_is_answered(tmp_path: Path) -> None:
    import psutil

    runner, ports = start_runner(tmp_path)
    webhook = f"http://127.0.0.1:{ports.rasa}/webhooks/rest/webhook"
    try:
        wait_for(f"http://127.0.0.1:{ports.console}/healthz", runner, 300)
        # Kill Redis only once the runner has finished starting (it watches Redis from then on).
        deadline = time.monotonic() + 60
        while "The assistant is running" not in (tmp_path / "runner.log").read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert requests.post(webhook, json={"sender": "buyer_xiaomei", "message": "这件包邮吗"}, timeout=60).json()
        (redis_process,) = [c for c in psutil.Process(runner.pid).children() if "redis-server" in c.name()]
        redis_process.kill()  # kill -9
        deadline = time.monotonic() + 60
        answered = None
        while time.monotonic() < deadline:
            response = requests.post(webhook, json={"sender": "buyer_xiaomei", "message": "有什么颜色"}, timeout=60)
            assert response.status_code in (200, 503), response.status_code  # told to retry, or answered
            if response.status_code == 200:
                answered = response.json()
                break
            time.sleep(1)
        assert answered, "no answer within a minute of Redis being killed"
        assert "embedded Redis exited; restarting it" in (tmp_path / "runner.log").read_text()
    finally:
        runner.send_signal(signal.SIGINT)
        assert runner.wait(timeout=90) == 0
    assert_all_stopped(ports)


def wait_until_running(runner: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while "The assistant is running" not in log.read_text():
        assert runner.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.5)


def test_a_second_runner_refuses_taken_ports_and_any_runner_heals_the_shared_redis(tmp_path: Path) -> None:
    first, ports = start_runner(tmp_path / "first")
    second: Optional[subprocess.Popen] = None
    try:
        wait_until_running(first, tmp_path / "first" / "runner.log")
        password = (tmp_path / "first" / "redis" / "password").read_text().strip()
        assert password not in (tmp_path / "first" / "runner.log").read_text()  # secrets are never printed
        # The very same ports: it says which is taken and exits 1, never claiming to run.
        same, _ = start_runner(tmp_path / "same", ports=ports, redis_dir=tmp_path / "first" / "redis")
        assert same.wait(timeout=120) == 1
        said = (tmp_path / "same" / "runner.log").read_text()
        assert f"port {ports.rasa}" in said and "in use" in said and "The assistant is running" not in said
        assert requests.post(
            f"http://127.0.0.1:{ports.rasa}/webhooks/rest/webhook",
            json={"sender": "buyer_xiaomei", "message": "在吗"},
            timeout=60,
        ).json()  # the first still serves
        # Other ports, the first's embedded Redis: when the first stops (and its Redis with it),
        # the second starts Redis again instead of answering 503 for ever.
        others = Ports(ports.redis, free_port(), free_port(), free_port())
        second, _ = start_runner(tmp_path / "second", ports=others, redis_dir=tmp_path / "first" / "redis")
        wait_until_running(second, tmp_path / "second" / "runner.log")
        first.send_signal(signal.SIGINT)
        assert first.wait(timeout=90) == 0
        webhook = f"http://127.0.0.1:{others.rasa}/webhooks/rest/webhook"
        deadline = time.monotonic() + 60
        while True:
            response = requests.post(webhook, json={"sender": "buyer_xiaomei", "message": "这件包邮吗"}, timeout=60)
            if response.status_code == 200 and response.json():
                break
            assert response.status_code == 503 and time.monotonic() < deadline, response.status_code
            time.sleep(1)
        assert "embedded Redis exited; restarting it" in (tmp_path / "second" / "runner.log").read_text()
    finally:
        for runner in (first, second):
            if runner is not None and runner.poll() is None:
                runner.send_signal(signal.SIGINT)
                runner.wait(timeout=90)
    assert nothing_listens(ports.redis)  # the second runner stopped the Redis it had started
