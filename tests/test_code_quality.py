"""The project's own standards, checked with every test run: mypy --strict and ruff."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_mypy_strict() -> None:
    done = _run("mypy")
    assert done.returncode == 0, done.stdout[-4000:]


def test_ruff() -> None:
    done = _run("ruff", "check", "src", "tests", "bench", "scripts")
    assert done.returncode == 0, done.stdout[-4000:]
