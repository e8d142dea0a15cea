"""The processes a load benchmark measures: a throwaway Redis, the assistant (action server and
one or more Rasa servers) and the stock reference bot from ../shared/bench/stock_rasa."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

from bot.bootstrap import shop_store
from bot.handoff.delivery import rasa_api_token
from bot.loader import load_file
from bot.model_files import trained_model
from bot.redis_server import RedisServer, free_port
from bot.runner import RASA, action_server_command, redis_env, wait_for
from bot.settings import PROJECT_ROOT, Settings
from bot.store import connect

STOCK_SOURCE = PROJECT_ROOT.parent / "shared" / "bench" / "stock_rasa"
STOCK_DIR = PROJECT_ROOT / ".bench" / "stock"
BENCH_SECRET = "load-benchmark-console-secret"


def _stat_fields(pid: int) -> List[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _own_cpu_ticks(pid: int) -> int:
    try:
        fields = _stat_fields(pid)
    except OSError:  # it ended meanwhile
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def _rss_kb(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), 0)


def _with_descendants(pid: int) -> List[int]:
    parents: Dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(_stat_fields(int(entry))[1])
            except OSError:
                continue
    found, pending = [pid], [pid]
    while pending:
        parent = pending.pop()
        children = [child for child, its_parent in parents.items() if its_parent == parent]
        found += children
        pending += children
    return found


@dataclass
class Server:
    name: str
    url: str
    process: Optional[subprocess.Popen] = None
    texts_sent: Set[str] = field(default_factory=set)  # what a cache keyed by text has seen

    @property
    def pid(self) -> Optional[int]:
        return self.process.pid if self.process else None

    def cpu_seconds(self) -> Optional[float]:
        """User + system CPU so far of the process and every process it started that still runs
        (Linux /proc), None when not ours."""
        if not self.pid:
            return None
        ticks = sum(_own_cpu_ticks(pid) for pid in _with_descendants(self.pid))
        return ticks / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> Optional[float]:
        """Resident memory of the process and the processes it started."""
        if not self.pid:
            return None
        return sum(_rss_kb(pid) for pid in _with_descendants(self.pid)) / 1024


@dataclass
class Processes:
    started: List[subprocess.Popen] = field(default_factory=list)
    logs: List[object] = field(default_factory=list)

    def popen(self, args: List[str], cwd: Path, env: Dict[str, str], log_name: str) -> subprocess.Popen:
        log_dir = PROJECT_ROOT / ".bench" / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_dir / f"{log_name}.log", "w")
        self.logs.append(log)
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.started.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.started):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.started):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in self.logs:
            log.close()  # type: ignore[attr-defined]


@contextmanager
def demo_shop() -> Iterator[Tuple[RedisServer, Processes]]:
    """A throwaway Redis holding the demo shop, and a place for the processes started against it;
    all of them stopped on the way out."""
    processes = Processes()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as directory:
        redis = RedisServer(free_port(), Path(directory), persistent=False).start()
        try:
            settings = Settings()
            load_file(settings.demo_data, shop_store(connect(redis.url), settings.shop_id))
            yield redis, processes
        finally:
            processes.stop()
            redis.stop()


def redis_as_server(redis: RedisServer) -> Server:
    """Redis as a process whose CPU a level counts."""
    return Server("redis", "", redis.process)


def _quiet_env(extra: Dict[str, str]) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["LOG_LEVEL"] = "WARNING"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


@dataclass
class Project:
    rasa: List[Server]  # the Rasa servers, the first one taking the concurrent-buyer levels
    helpers: List[Server]  # the metrics consumer and any action server (their CPU counts too)


def start_project(
    processes: Processes,
    redis_url: str,
    replicas: int = 1,
    extra_env: Optional[Dict[str, str]] = None,
    rasa_command: Sequence[str] = (RASA,),
) -> Project:
    """The metrics consumer, `replicas` Rasa servers (and, ACTIONS_IN_PROCESS=false, the action
    server) on one Redis, as `make run` starts them (`extra_env`: settings for all of them, e.g. a
    fixed shop clock; `rasa_command`: what runs `rasa`, e.g. a profiling wrapper)."""
    action_port = free_port()
    env = _quiet_env(
        {**redis_env(redis_url), "ACTION_PORT": str(action_port), "CONSOLE_SECRET": BENCH_SECRET, **(extra_env or {})}
    )
    metrics = processes.popen([sys.executable, "-m", "bot.metrics"], PROJECT_ROOT, env, "project-metrics")
    helpers = [Server("metrics", "", metrics)]
    if not Settings().actions_in_process:  # ACTIONS_IN_PROCESS=false: actions over HTTP
        actions = processes.popen(
            action_server_command(action_port),
            PROJECT_ROOT,
            {**env, "SANIC_HOST": "127.0.0.1"},
            "project-actions",
        )
        wait_for(f"http://127.0.0.1:{action_port}/health", actions, 120)
        helpers.insert(0, Server("actions", "", actions))
    servers = []
    for n in range(replicas):
        port = free_port()
        process = processes.popen(
            [
                *rasa_command,
                "run",
                "--enable-api",
                "--auth-token",
                rasa_api_token(BENCH_SECRET),
                "--interface",
                "127.0.0.1",
                "--port",
                str(port),
                "--model",
                str(trained_model()),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
            ],
            PROJECT_ROOT,
            env,
            f"project-rasa-{n}",
        )
        servers.append(Server(f"project-{n}", f"http://127.0.0.1:{port}", process))
    for server in servers:
        wait_for(f"{server.url}/", server.process, 300)  # type: ignore[arg-type]
    return Project(servers, helpers)


def _stock_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(STOCK_SOURCE.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STOCK_SOURCE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def stock_model() -> Path:
    """The reference bot trained once per version of its files (kept under .bench/)."""
    if not STOCK_SOURCE.is_dir():
        raise SystemExit(f"no stock reference bot at {STOCK_SOURCE}")
    fingerprint = _stock_fingerprint()
    model = STOCK_DIR / "models" / f"stock-{fingerprint}.tar.gz"
    if model.exists():
        return model
    if STOCK_DIR.exists():
        shutil.rmtree(STOCK_DIR)
    shutil.copytree(STOCK_SOURCE, STOCK_DIR)
    print("training the stock reference bot (once per version of its files)…", flush=True)
    subprocess.run(
        [RASA, "train", "--quiet", "--out", "models", "--fixed-model-name", f"stock-{fingerprint}"],
        cwd=STOCK_DIR,
        env=_quiet_env({}),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return model


def start_stock(processes: Processes, redis_port: int) -> Server:
    model = stock_model()
    port = free_port()
    process = processes.popen(
        [
            RASA,
            "run",
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--model",
            str(model),
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
        ],
        STOCK_DIR,
        _quiet_env({"STOCK_REDIS_PORT": str(redis_port)}),
        "stock-rasa",
    )
    server = Server("stock", f"http://127.0.0.1:{port}", process)
    wait_for(f"{server.url}/", process, 300)
    return server
