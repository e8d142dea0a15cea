"""CONSOLE_SECRET, or one generated once into .run/ (shared by the console and the Rasa server)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings

SECRET_FILE = PROJECT_ROOT / ".run" / "console_secret"


def shared_secret(settings: Settings, path: Path = SECRET_FILE) -> str:
    if settings.console_secret:
        return settings.console_secret
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value
