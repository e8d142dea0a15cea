"""Rasa's own checks on the project: the data validates and the conversation tests pass."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.model_files import trained_model
from bot.runner import RASA
from bot.settings import PROJECT_ROOT


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout)


def test_rasa_data_validates() -> None:
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


@pytest.mark.parametrize("stories", sorted(p.name for p in (PROJECT_ROOT / "tests" / "rasa").glob("test_*.yml")))
def test_conversation_tests_pass(stories: str, tmp_path: Path) -> None:
    result = rasa(
        "test",
        "core",
        "--e2e",  # without it, Rasa takes the intent from the story and never checks the NLU
        "--model",
        str(trained_model()),
        "--stories",
        f"tests/rasa/{stories}",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, details + result.stdout[-3000:] + result.stderr[-3000:]
