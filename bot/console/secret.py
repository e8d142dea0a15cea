"""CONSOLE_SECRET, or one generated once into .run/ (shared by the console and the Rasa server).

The secret signs agent sessions and gives the Rasa API token, so a short or empty one (a
`touch`ed file, a half-written one) would let anyone forge a login: such a file is replaced by a
fresh secret, and a short CONSOLE_SECRET is refused.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings

SECRET_FILE = PROJECT_ROOT / ".run" / "console_secret"
MIN_SECRET_LENGTH = 16
_GENERATED_BYTES = 32  # token_urlsafe(32): 43 characters


class WeakSecret(ValueError):
    """CONSOLE_SECRET is too short to sign sessions."""


def shared_secret(settings: Settings, path: Path = SECRET_FILE) -> str:
    if settings.console_secret:
        if len(settings.console_secret) < MIN_SECRET_LENGTH:
            raise WeakSecret(f"CONSOLE_SECRET must have at least {MIN_SECRET_LENGTH} characters")
        return settings.console_secret
    if path.is_file():
        stored = path.read_text(encoding="utf-8").strip()
        if len(stored) >= MIN_SECRET_LENGTH:
            return stored
    return _generate(path)


def _generate(path: Path) -> str:
    """A new secret, written to a private temporary file and then moved into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(_GENERATED_BYTES)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    os.replace(temporary, path)
    return value
