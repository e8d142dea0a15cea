"""One settings object, read from the environment, with defaults that make `make run` work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, Tuple
from urllib.parse import quote

from pydantic import BaseSettings, Field, validator
from pydantic.fields import ModelField

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def probe_host(bound_to: str) -> str:
    """How this machine reaches a server bound to `bound_to`, ready for a URL (a wildcard bind
    answers on loopback; an IPv6 address needs brackets)."""
    if bound_to in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{bound_to}]" if ":" in bound_to else bound_to


# Where "" is a value, as written; for every other setting an empty variable means unset.
_EMPTY_IS_A_VALUE = frozenset({"shop_id", "timezone", "embedded_redis_dir", "demo_data"})


class Settings(BaseSettings):
    """`Settings()` reads the variables named below; keyword arguments override them (tests)."""

    # None means: start the embedded redis-server (see bot.redis_server).
    redis_url: Optional[str] = Field(default=None, env="REDIS_URL")
    shop_id: str = Field(default="demo", env="SHOP_ID")
    embedded_redis_port: int = Field(default=6390, env="EMBEDDED_REDIS_PORT")
    embedded_redis_dir: Path = Field(default=PROJECT_ROOT / ".run" / "redis", env="EMBEDDED_REDIS_DIR")
    rasa_port: int = Field(default=5005, env="RASA_PORT")
    action_port: int = Field(default=5055, env="ACTION_PORT")
    demo_data: Path = Field(default=PROJECT_ROOT / "data" / "shop" / "demo_shop.yml", env="DEMO_DATA")
    # Time zone of the shop; cut-off hours and working hours are in this zone.
    timezone: str = Field(default="Asia/Shanghai", env="SHOP_TIMEZONE")
    # ISO time that freezes the shop's clock (demos and end-to-end tests); unset means real time.
    fixed_now: Optional[str] = Field(default=None, env="SHOP_FIXED_NOW")
    # Where the Rasa server listens. Its REST webhook believes the sender id it is given (it is
    # for the shop's own server), so loopback only unless RASA_HOST says otherwise.
    rasa_host: str = Field(default="127.0.0.1", env="RASA_HOST")
    # The agent console (bot/console): loopback only unless CONSOLE_HOST says otherwise.
    console_host: str = Field(default="127.0.0.1", env="CONSOLE_HOST")
    console_port: int = Field(default=5006, env="CONSOLE_PORT")
    # Agent logins: "alice:<hash>,bob:<hash>" or the path of a file with one name:hash a line.
    console_agents: str = Field(default="", env="CONSOLE_AGENTS")
    console_owners: str = Field(default="", env="CONSOLE_OWNERS")  # the shop owner's logins (the dashboard), same form as agents
    # Shared by the console and the Rasa server (session cookies, agent-reply delivery).
    console_secret: Optional[str] = Field(default=None, env="CONSOLE_SECRET")
    # Where agent replies are also POSTed for the shop's own chat system; unset: not sent.
    shop_callback_url: Optional[str] = Field(default=None, env="SHOP_CALLBACK_URL")
    # When set, a socket.io session needs a buyer token (bot/buyer_tokens.py); unset: trusted.
    buyer_token_secret: Optional[str] = Field(default=None, env="BUYER_TOKEN_SECRET")
    # Rasa servers behind nginx on rasa_host:rasa_port (bot/replicas.py).
    replicas: int = Field(default=1, env="REPLICAS")
    # Our actions run inside each Rasa server's process (bot/rasa_runtime/in_process_actions.py);
    # false: over HTTP, to an action server on action_port that `make run` starts beside it.
    actions_in_process: bool = Field(default=True, env="ACTIONS_IN_PROCESS")
    # Web pages (origins, e.g. "https://shop.example") allowed to call the Rasa server from a
    # browser, besides the console's own chat page: comma-separated. None by default: no wildcard CORS.
    cors_origins: Tuple[str, ...] = Field(default=(), env="RASA_CORS_ORIGINS")
    # The shop's server signs REST requests with it (X-Shop-Timestamp, X-Shop-Signature: sha256=HMAC of
    # '<timestamp>.<body>'; bot/channels/rest.py).
    # Unsigned REST is accepted only while the Rasa server listens on loopback (rasa_host).
    webhook_secret: Optional[str] = Field(default=None, env="SHOP_WEBHOOK_SECRET")

    class Config:
        case_sensitive = True  # the variables are named exactly as above
        frozen = True

        @classmethod
        def parse_env_var(cls, field_name: str, raw_val: str) -> Any:
            if field_name == "cors_origins":  # a comma-separated list, not JSON
                return tuple(o.strip().rstrip("/") for o in raw_val.split(",") if o.strip())
            return json.loads(raw_val)  # pydantic's own default

    @validator("*", pre=True)
    def _empty_is_unset(cls, value: Any, field: ModelField) -> Any:
        return field.default if value == "" and field.name not in _EMPTY_IS_A_VALUE else value

    @validator("replicas")
    def _at_least_one(cls, value: int) -> int:
        return max(1, value)

    @property
    def rasa_on_loopback(self) -> bool:
        return self.rasa_host in ("127.0.0.1", "::1", "localhost")

    @property
    def browser_origins(self) -> Tuple[str, ...]:
        """Origins whose pages may talk to the Rasa server: the console (its chat page) and
        cors_origins. socket.io refuses any other Origin."""
        hosts = (
            {probe_host(self.console_host), "127.0.0.1", "localhost"}
            if self.console_host in ("", "0.0.0.0", "::", "127.0.0.1", "localhost")
            else {probe_host(self.console_host)}
        )
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
