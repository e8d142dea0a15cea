"""One settings object, read from the environment, with defaults that make `make run` work."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Tuple
from urllib.parse import quote

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def probe_host(bound_to: str) -> str:
    """How this machine reaches a server bound to `bound_to`, ready for a URL (a wildcard bind
    answers on loopback; an IPv6 address needs brackets)."""
    if bound_to in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{bound_to}]" if ":" in bound_to else bound_to


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    # None means: start the embedded redis-server (see bot.redis_server).
    redis_url: Optional[str] = None
    shop_id: str = "demo"
    embedded_redis_port: int = 6390
    embedded_redis_dir: Path = PROJECT_ROOT / ".run" / "redis"
    rasa_port: int = 5005
    action_port: int = 5055
    demo_data: Path = PROJECT_ROOT / "data" / "shop" / "demo_shop.yml"
    # Time zone of the shop; cut-off hours and working hours are in this zone.
    timezone: str = "Asia/Shanghai"
    models_dir: Path = field(default=PROJECT_ROOT / "models")
    # ISO time that freezes the shop's clock (demos and end-to-end tests); unset means real time.
    fixed_now: Optional[str] = None
    # Where the Rasa server listens. Its REST webhook believes the sender id it is given (it is
    # for the shop's own server), so loopback only unless RASA_HOST says otherwise.
    rasa_host: str = "127.0.0.1"
    # The agent console (bot/console): loopback only unless CONSOLE_HOST says otherwise.
    console_host: str = "127.0.0.1"
    console_port: int = 5006
    # Agent logins: "alice:<hash>,bob:<hash>" or the path of a file with one name:hash a line.
    console_agents: str = ""
    console_owners: str = ""  # the shop owner's logins (the dashboard), same form as agents
    # Shared by the console and the Rasa server (session cookies, agent-reply delivery).
    console_secret: Optional[str] = None
    # Where agent replies are also POSTed for the shop's own chat system; unset: not sent.
    shop_callback_url: Optional[str] = None
    # When set, a socket.io session needs a buyer token (bot/buyer_tokens.py); unset: trusted.
    buyer_token_secret: Optional[str] = None
    # Rasa servers (each with its action server) behind nginx on rasa_host:rasa_port (bot/replicas.py).
    replicas: int = 1
    # Web pages (origins, e.g. "https://shop.example") allowed to call the Rasa server from a
    # browser, besides the console's own chat page. None by default: no wildcard CORS.
    cors_origins: Tuple[str, ...] = ()
    # The shop's server signs REST requests with it (X-Shop-Signature: sha256=HMAC of the body).
    # Unsigned REST is accepted only while the Rasa server listens on loopback (rasa_host).
    webhook_secret: Optional[str] = None

    @property
    def rasa_on_loopback(self) -> bool:
        return self.rasa_host in ("127.0.0.1", "::1", "localhost")

    @property
    def browser_origins(self) -> Tuple[str, ...]:
        """Origins whose pages may talk to the Rasa server: the console (its chat page) and
        cors_origins. socket.io refuses any other Origin."""
        hosts = {probe_host(self.console_host), "127.0.0.1", "localhost"} if self.console_host in (
            "", "0.0.0.0", "::", "127.0.0.1", "localhost"
        ) else {probe_host(self.console_host)}
        console = tuple(sorted(f"http://{host}:{self.console_port}" for host in hosts))
        return console + tuple(o for o in self.cors_origins if o not in console)

    @property
    def rasa_url(self) -> str:
        return f"http://{probe_host(self.rasa_host)}:{self.rasa_port}"

    @property
    def redis_url_or_embedded(self) -> str:
        """REDIS_URL, else the embedded server's (with the password `make run` gave it)."""
        if self.redis_url:
            return self.redis_url
        password_file = self.embedded_redis_dir / "password"
        password = password_file.read_text(encoding="utf-8").strip() if password_file.is_file() else ""
        auth = f":{quote(password, safe='')}@" if password else ""
        return f"redis://{auth}127.0.0.1:{self.embedded_redis_port}/0"

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            redis_url=os.environ.get("REDIS_URL") or None,
            shop_id=os.environ.get("SHOP_ID", "demo"),
            embedded_redis_port=_env_int("EMBEDDED_REDIS_PORT", 6390),
            embedded_redis_dir=Path(
                os.environ.get("EMBEDDED_REDIS_DIR", str(PROJECT_ROOT / ".run" / "redis"))
            ),
            rasa_port=_env_int("RASA_PORT", 5005),
            action_port=_env_int("ACTION_PORT", 5055),
            demo_data=Path(
                os.environ.get("DEMO_DATA", str(PROJECT_ROOT / "data" / "shop" / "demo_shop.yml"))
            ),
            timezone=os.environ.get("SHOP_TIMEZONE", "Asia/Shanghai"),
            fixed_now=os.environ.get("SHOP_FIXED_NOW") or None,
            rasa_host=os.environ.get("RASA_HOST") or "127.0.0.1",
            console_host=os.environ.get("CONSOLE_HOST") or "127.0.0.1",
            console_port=_env_int("CONSOLE_PORT", 5006),
            console_agents=os.environ.get("CONSOLE_AGENTS", ""),
            console_owners=os.environ.get("CONSOLE_OWNERS", ""),
            console_secret=os.environ.get("CONSOLE_SECRET") or None,
            shop_callback_url=os.environ.get("SHOP_CALLBACK_URL") or None,
            buyer_token_secret=os.environ.get("BUYER_TOKEN_SECRET") or None,
            replicas=max(1, _env_int("REPLICAS", 1)),
            webhook_secret=os.environ.get("SHOP_WEBHOOK_SECRET") or None,
            cors_origins=tuple(o.strip().rstrip("/") for o in os.environ.get("RASA_CORS_ORIGINS", "").split(",") if o.strip()),
        )
