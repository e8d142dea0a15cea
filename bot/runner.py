"""`make run`: Redis (REDIS_URL or the embedded one), demo data, model, the Rasa server (running our
actions in its process, or with ACTIONS_IN_PROCESS=false beside an action server), the agent console.

Ctrl-C stops everything this started.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple, cast
from urllib.parse import urlparse

from bot.bootstrap import shop_services, start_redis
from bot.console.secret import shared_secret
from bot.handoff.delivery import rasa_api_token
from bot.loader import load_file, summary
from bot.model_files import latest_model
from bot.private_files import secret_in_file
from bot.rasa_server import TOKEN_VARIABLE
from bot.redis_server import EmbeddedRedis, free_port
from bot.replicas import nginx_command, write_nginx_config
from bot.settings import PROJECT_ROOT, Settings, probe_host
from bot.store import connect

RASA = str(Path(sys.executable).with_name("rasa"))
BUYER_TOKEN_SECRET_FILE = PROJECT_ROOT / ".run" / "buyer_token_secret"


def redis_env(redis_url: str) -> Dict[str, str]:
    """The variables endpoints.yml reads, from one REDIS_URL."""
    parsed = urlparse(redis_url)
    db = (parsed.path or "/0").lstrip("/") or "0"
    return {
        "REDIS_URL": redis_url,
        "REDIS_HOST": parsed.hostname or "127.0.0.1",
        "REDIS_PORT": str(parsed.port or 6379),
        "REDIS_DB": db,
        "REDIS_PASSWORD": parsed.password or "",
    }


def service_env(settings: Settings, redis_url: str) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(redis_env(redis_url))
    env["ACTION_PORT"] = str(settings.action_port)
    env["RASA_PORT"] = str(settings.rasa_port)
    # The console and the Rasa server share it (agent replies); generated into .run/ when unset.
    env["CONSOLE_SECRET"] = shared_secret(settings)
    # socket.io proves who the buyer is by default: a secret generated once into .run/ when unset
    # (the console's chat page signs its buyers' tokens with it).
    env["BUYER_TOKEN_SECRET"] = settings.buyer_token_secret or secret_in_file(BUYER_TOKEN_SECRET_FILE)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


def ensure_shop(settings: Settings, redis_url: str) -> None:
    shop = shop_services(settings, connect(redis_url))
    if shop.store.has_shop():
        print(f"shop {settings.shop_id!r} already in Redis; not reloading")
        return
    # The demo's orders are moved to today, so it makes sense on the day it runs.
    now = shop.now()
    print(summary(load_file(settings.demo_data, shop.store, move_to=now, now=now), settings.demo_data))


def train_if_needed(env: Dict[str, str]) -> None:
    """`make run` trains through `make train` first; this covers `python -m bot.runner` alone."""
    if latest_model() is None:
        subprocess.run([RASA, "train", "--quiet"], cwd=PROJECT_ROOT, env=env, check=True)


def wait_for(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            command = cast(List[str], process.args)  # every child starts from a list of str
            raise RuntimeError(f"{' '.join(command[:3])} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


@dataclass
class Service:
    """A child the runner keeps running: `command` starts it again after it died."""

    name: str
    command: List[str]
    env: Dict[str, str]
    process: subprocess.Popen
    restarts: List[float] = field(default_factory=list)
    due_at: Optional[float] = None  # when a dead child is started again (backoff)

    @classmethod
    def start(cls, name: str, command: List[str], env: Dict[str, str], started: List["Service"]) -> "Service":
        service = cls(name, command, env, subprocess.Popen(command, cwd=PROJECT_ROOT, env=env))
        started.append(service)
        return service

    def restart_when_due(self) -> None:
        """Called while the child is dead: schedules its restart with backoff (0, 1, 3, 7, 15 s
        after the 1st…5th death in RESTART_WINDOW_SECONDS), then starts it when due."""
        now = time.monotonic()
        if self.due_at is None:
            self.restarts = [t for t in self.restarts if now - t < RESTART_WINDOW_SECONDS]
            if len(self.restarts) >= MAX_RESTARTS:
                raise RuntimeError(f"{self.name} died {MAX_RESTARTS} times in {RESTART_WINDOW_SECONDS:.0f}s")
            delay = 2 ** len(self.restarts) - 1
            self.due_at = now + delay
            print(f"{self.name} exited with {self.process.returncode}; restarting it in {delay}s", file=sys.stderr, flush=True)
        if now >= self.due_at:
            self.restarts.append(now)
            self.due_at = None
            self.process = subprocess.Popen(self.command, cwd=PROJECT_ROOT, env=self.env)


# A child that dies is restarted, unless it died this often this recently (then it is broken).
MAX_RESTARTS = 5
RESTART_WINDOW_SECONDS = 300.0


def action_server_command(port: int) -> List[str]:
    # rasa-sdk's server with our /healthz (bot/action_server.py)
    return [sys.executable, "-m", "bot.action_server", "--port", str(port)]


def rasa_server_command(host: str, port: int, cors_origins: Tuple[str, ...] = ()) -> List[str]:
    # No wildcard CORS: only the shop's configured pages may read replies from a browser (the
    # console's chat page uses socket.io over a websocket, which checks the Origin itself).
    cors = ["--cors", *cors_origins] if cors_origins else []
    # The API token reaches Rasa through the environment (bot/rasa_server.py), never argv.
    return [
        sys.executable,
        "-m",
        "bot.rasa_server",
        "--enable-api",
        *cors,
        "--interface",
        host,
        "--port",
        str(port),
        "--credentials",
        "credentials.yml",
        "--endpoints",
        "endpoints.yml",
    ]


def start_replica(
    name: str,
    env: Dict[str, str],
    rasa_host: str,
    rasa_port: int,
    action_port: int,
    started: List[Service],
    cors_origins: Tuple[str, ...] = (),
    actions_in_process: bool = True,
) -> Service:
    """A Rasa server running our actions in its process, or (not actions_in_process) one action
    server and the Rasa server that calls it (endpoints.yml reads ACTION_PORT)."""
    replica_env = {**env, "ACTION_PORT": str(action_port), TOKEN_VARIABLE: rasa_api_token(env["CONSOLE_SECRET"])}
    if not actions_in_process:
        # Only the Rasa server calls the action server, which answers any sender's orders: loopback.
        actions = Service.start(
            f"action server{name}",
            action_server_command(action_port),
            {**replica_env, "SANIC_HOST": "127.0.0.1"},  # rasa-sdk's only way to choose the interface
            started,
        )
        wait_for(f"http://127.0.0.1:{action_port}/health", actions.process, 120)
    command = rasa_server_command(rasa_host, rasa_port, cors_origins)
    return Service.start(f"Rasa server{name}", command, replica_env, started)


def start_services(settings: Settings, env: Dict[str, str], started: List[Service]) -> None:
    """Starts the servers one by one, each added to ``started`` at once: a Ctrl-C while a later
    one is still starting must stop the earlier ones too."""
    if settings.replicas <= 1:
        server = start_replica(
            "",
            env,
            settings.rasa_host,
            settings.rasa_port,
            settings.action_port,
            started,
            settings.cors_origins,
            settings.actions_in_process,
        )
        wait_for(f"{settings.rasa_url}/", server.process, 300)  # "/" needs no token
    else:
        # Replicas listen on loopback only; nginx takes RASA_HOST:RASA_PORT (bot/replicas.py).
        ports = [free_port() for _ in range(settings.replicas)]
        servers = [
            start_replica(
                f" {n + 1}",
                env,
                "127.0.0.1",
                port,
                free_port(),
                started,
                settings.cors_origins,
                settings.actions_in_process,
            )
            for n, port in enumerate(ports)
        ]
        for server, port in zip(servers, ports):
            wait_for(f"http://127.0.0.1:{port}/", server.process, 300)
        config = write_nginx_config(settings.rasa_host, settings.rasa_port, ports, PROJECT_ROOT / ".run" / "nginx")
        balancer = Service.start("nginx", nginx_command(config), env, started)
        wait_for(f"{settings.rasa_url}/", balancer.process, 30)
        print(f"{settings.replicas} Rasa servers behind nginx on {settings.rasa_url}")
    Service.start("metrics consumer", [sys.executable, "-m", "bot.metrics"], env, started)
    Service.start("outreach schedule", [sys.executable, "-m", "bot.outreach"], env, started)
    console = Service.start("agent console", [sys.executable, "-m", "bot.console"], env, started)
    wait_for(f"http://{probe_host(settings.console_host)}:{settings.console_port}/healthz", console.process, 60)


def port_in_use(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no owner
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def refuse_taken_ports(settings: Settings) -> None:
    """Before anything starts: a port another process listens on (another `make run`?) would
    only crash-loop the server meant for it."""
    wanted = [
        ("Rasa server", "RASA_PORT", settings.rasa_host, settings.rasa_port),
        ("agent console", "CONSOLE_PORT", settings.console_host, settings.console_port),
    ]
    # Replicas take free ports for their action servers; in-process actions need none.
    if settings.replicas <= 1 and not settings.actions_in_process:
        wanted.append(("action server", "ACTION_PORT", "127.0.0.1", settings.action_port))
    for name, variable, host, port in wanted:
        if port_in_use(host, port):
            raise RuntimeError(
                f"port {port} ({name}) is already in use, by another `make run`? " f"Stop that, or choose another with {variable}"
            )


def stop(services: List[Service]) -> None:
    for service in reversed(services):
        if service.process.poll() is None:
            service.process.terminate()
    for service in reversed(services):
        try:
            service.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            service.process.kill()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Explicit handlers: a shell starts background jobs with SIGINT ignored, and a supervisor
    # stops with SIGTERM; both must stop everything this started.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    settings = Settings()
    embedded: Optional[EmbeddedRedis] = None
    processes: List[Service] = []
    try:
        refuse_taken_ports(settings)
        redis_url, embedded = start_redis(settings)
        if embedded:  # never its URL: that carries the password
            started = "started" if embedded.owner.held else "already running"
            print(
                f"embedded Redis on 127.0.0.1:{settings.embedded_redis_port}, {started} (data in {settings.embedded_redis_dir})"
            )
        env = service_env(settings, redis_url)
        ensure_shop(settings, redis_url)
        train_if_needed(env)
        start_services(settings, env, processes)
        if settings.rasa_on_loopback:
            print("REST webhook: unsigned requests accepted (the Rasa server listens on loopback only)")
        else:
            print("REST webhook: only requests signed with SHOP_WEBHOOK_SECRET (X-Shop-Signature) are accepted")
        print(
            "\nThe assistant is running. Talk to it:\n"
            f"  curl -s localhost:{settings.rasa_port}/webhooks/rest/webhook -H 'Content-Type: application/json' "
            '-d \'{"sender": "buyer_xiaomei", "message": "亲 这件包邮吗", "metadata": {"item_id": "T001"}}\'\n'
            f"  socket.io on http://localhost:{settings.rasa_port}/socket.io\n"
            f"Agent console: http://{probe_host(settings.console_host)}:{settings.console_port}/ "
            f"(buyer chat page: /chat?buyer=buyer_xiaomei&item=T001)\n"
            "Ctrl-C stops everything.\n",
            flush=True,
        )
        while True:
            time.sleep(0.5)
            # Down, and this runner started it or its owner is gone: started again (same port,
            # data and password; the append-only file brings back everything written before it
            # died), and the servers reconnect on their own.
            if embedded and embedded.watch():
                print("embedded Redis exited; restarting it", file=sys.stderr, flush=True)
            for service in processes:
                if service.process.poll() is not None:
                    service.restart_when_due()
    except KeyboardInterrupt:
        print("\nstopping…")
        return 0
    except RuntimeError as error:
        print(f"{error}; shutting down", file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C must not cut the shutdown short and leave servers behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop(processes)
        if embedded:
            embedded.stop()


if __name__ == "__main__":
    sys.exit(main())
