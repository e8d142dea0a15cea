"""CONSOLE_SECRET, or one generated once into .run/ (shared by the console and the Rasa server).

The secret signs agent sessions and gives the Rasa API token, so a short or empty one (a
`touch`ed file, a half-written one) would let anyone forge a login: such a file is replaced by a
fresh secret, and a short CONSOLE_SECRET is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from bot.private_files import secret_in_file
from bot.settings import PROJECT_ROOT, Settings

SECRET_FILE = PROJECT_ROOT / ".run" / "console_secret"
MIN_SECRET_LENGTH = 16


class WeakSecret(ValueError):
    """CONSOLE_SECRET is too short to sign sessions."""


def shared_secret(settings: Settings, path: Optional[Path] = None) -> str:
    """What every process that talks to the console or the Rasa server as the shop uses (the
    console, the runner, the campaign command, the outreach schedule)."""
    if settings.console_secret:
        if len(settings.console_secret) < MIN_SECRET_LENGTH:
            raise WeakSecret(f"CONSOLE_SECRET must have at least {MIN_SECRET_LENGTH} characters")
        return settings.console_secret
    return secret_in_file(path or SECRET_FILE, MIN_SECRET_LENGTH)
