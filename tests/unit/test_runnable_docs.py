"""The shell blocks README.md and docs/*.md mark ```bash runnable run as written.

Only quick, side-effect-free commands are marked (help texts, listings); a marked block that
exits non-zero fails here, so the docs cannot drift from the commands they show."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```bash runnable\n(.*?)^```", re.MULTILINE | re.DOTALL)


def runnable_blocks() -> list[tuple[str, str]]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [
        (f"{page.relative_to(ROOT)}#{n}", match.group(1))
        for page in pages
        for n, match in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8")), 1)
    ]


def test_the_docs_mark_some_blocks_runnable() -> None:
    # An empty set would let the test below pass while checking nothing.
    assert len(runnable_blocks()) >= 3


@pytest.mark.parametrize(("where", "script"), runnable_blocks(), ids=[w for w, _ in runnable_blocks()])
def test_runnable_block_succeeds(where: str, script: str) -> None:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"{where} failed ({done.returncode}):\n{script}\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip(), f"{where} printed nothing:\n{script}"
