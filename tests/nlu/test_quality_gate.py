"""The NLU quality gate: macro-F1 must not drop below the floors recorded in quality_floor.json."""

from __future__ import annotations

import subprocess
import sys

from bot.settings import PROJECT_ROOT


def test_nlu_scores_stay_above_the_recorded_floor() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.evaluation", "--check-floor"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
