"""Files only this user may read: generated secrets and the embedded Redis's data."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

_GENERATED_BYTES = 32  # token_urlsafe(32): 43 characters


def private_directory(path: Path) -> Path:
    """`path`, created if needed, readable by this user only (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private(path: Path, text: str) -> None:
    """Write `text` to a 0600 temporary file, then move it into place (never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def secret_in_file(path: Path, min_length: int = 16) -> str:
    """The secret stored at `path`; a new one when the file is missing or too short."""
    if path.is_file():
        stored = path.read_text(encoding="utf-8").strip()
        if len(stored) >= min_length:
            return stored
    value = secrets.token_urlsafe(_GENERATED_BYTES)
    write_private(path, value + "\n")
    return value
