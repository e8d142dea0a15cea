"""The trained Rasa models `make train` writes under models/."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from bot.settings import PROJECT_ROOT

MODELS_DIR = PROJECT_ROOT / "models"


def latest_model() -> Optional[Path]:
    models = sorted(MODELS_DIR.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def trained_model() -> Path:
    """The latest model; without one, a command exits saying how to make it."""
    model = latest_model()
    if model is None:
        raise SystemExit("no trained model: run `make train`")
    return model
