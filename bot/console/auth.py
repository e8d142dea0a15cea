"""Agent logins: password hashes, the agent directory, and signed session cookies.

Password hashes are scrypt with a random salt, written `scrypt$n$r$p$salt$hash` (base64url);
`python -m bot hash-password` makes them. Sessions are a cookie holding the agent and the issue
time, signed with an HMAC key derived from CONSOLE_SECRET: no server-side state, and a console
restart keeps agents logged in as long as the secret stays the same.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional

from bot.derived_keys import derive

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SESSION_COOKIE = "console_session"
SESSION_MAX_AGE = 12 * 3600  # one working day


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, salt: Optional[bytes] = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        actual = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


class AgentConfigError(ValueError):
    """CONSOLE_AGENTS cannot be read."""


def parse_agents(text: str) -> Dict[str, str]:
    """`alice:<hash>,bob:<hash>` (commas or new lines; `#` starts a comment line) -> name: hash."""
    agents: Dict[str, str] = {}
    for entry in text.replace("\n", ",").split(","):
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        name, sep, stored = entry.partition(":")
        if not sep or not name.strip() or not stored.strip().startswith("scrypt$"):
            raise AgentConfigError(f"agent entry {entry[:20]!r}… is not name:scrypt$…")
        agents[name.strip()] = stored.strip()
    return agents


def load_agents(setting: str) -> Dict[str, str]:
    """CONSOLE_AGENTS: the list itself, or the path of a file holding it (one agent a line)."""
    setting = setting.strip()
    if setting and ":" not in setting:
        path = Path(setting)
        if not path.is_file():
            raise AgentConfigError(f"CONSOLE_AGENTS names {setting}, which is not a file")
        return parse_agents(path.read_text(encoding="utf-8"))
    return parse_agents(setting)


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    """Checked for unknown names, so a wrong name costs as much time as a wrong password."""
    return hash_password(secrets.token_hex(8))


@dataclass(frozen=True)
class AgentDirectory:
    hashes: Mapping[str, str]

    def authenticate(self, name: str, password: str) -> Optional[str]:
        stored = self.hashes.get(name)
        ok = verify_password(password, stored or _decoy_hash())
        return name if stored and ok else None

    def __contains__(self, name: object) -> bool:
        return name in self.hashes


class SessionSigner:
    def __init__(self, secret: str, max_age: int = SESSION_MAX_AGE) -> None:
        self._key = derive(secret, "console-session")
        self.max_age = max_age

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()

    def issue(self, agent: str, now: float, session_id: str = "") -> str:
        payload = _b64(json.dumps({"agent": agent, "issued": int(now), "sid": session_id}).encode())
        return f"{payload}.{self._sign(payload)}"

    def session(self, token: Optional[str], now: float) -> Optional["Session"]:
        """The agent and session id a valid, unexpired session cookie holds; None otherwise."""
        payload, _, signature = (token or "").partition(".")
        if not payload or not hmac.compare_digest(signature.encode(), self._sign(payload).encode()):
            return None
        try:
            data = json.loads(_unb64(payload))
            agent, issued, sid = str(data["agent"]), float(data["issued"]), str(data.get("sid", ""))
        except (ValueError, KeyError, TypeError):
            return None
        return Session(agent, sid) if 0 <= now - issued <= self.max_age else None

    def agent(self, token: Optional[str], now: float) -> Optional[str]:
        """The agent a valid, unexpired session cookie names; None otherwise."""
        found = self.session(token, now)
        return found.agent if found else None


@dataclass(frozen=True)
class Session:
    agent: str
    session_id: str  # also kept in Redis while the session is open: logging out deletes it


class LoginThrottle:
    """Refuses logins for one name from one address after repeated failures (password guessing),
    for longer each time: after `max_failures` failures within `window_seconds`, for
    `window_seconds`, and each further failure doubles the wait (capped at a day).

    In memory: the console is one process, and a restart forgetting the count is acceptable.
    """

    MAX_BLOCK_SECONDS = 24 * 3600

    def __init__(self, max_failures: int = 5, window_seconds: float = 900) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._failures: Dict[str, List[float]] = {}
        self._blocked_until: Dict[str, float] = {}

    def _recent(self, key: str, now: float) -> List[float]:
        recent = [t for t in self._failures.get(key, []) if now - t < self.window_seconds]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)
        return recent

    def wait_seconds(self, keys: Iterable[str], now: float) -> float:
        """How long logins for these keys stay refused (0: not refused)."""
        return max((self._blocked_until.get(key, 0.0) - now for key in keys), default=0.0) if keys else 0.0

    def blocked(self, keys: Iterable[str], now: float) -> bool:
        return self.wait_seconds(list(keys), now) > 0

    def failed(self, keys: Iterable[str], now: float) -> None:
        for key in keys:
            self._failures.setdefault(key, []).append(now)
            beyond = len(self._recent(key, now)) - self.max_failures
            if beyond >= 0:
                wait = min(self.window_seconds * 2**beyond, self.MAX_BLOCK_SECONDS)
                self._blocked_until[key] = now + wait

    def succeeded(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._failures.pop(key, None)
            self._blocked_until.pop(key, None)
