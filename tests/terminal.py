"""kubehop run with one of its output streams on a real pseudo-terminal, as a user's shell runs it."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def on_a_terminal(*args: str, stream: str = "stdout", env: Mapping[str, str] = {}) -> str:
    """What the terminal shows when `stream` (stdout or stderr) is one; the other stream is a pipe, drained."""
    leader, follower = pty.openpty()
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT / "src")}
    full_env.pop("COLUMNS", None)  # the terminal's own width applies
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: follower}
    with subprocess.Popen([sys.executable, "-m", "kubehop", *args], cwd=ROOT, env=full_env, **streams) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.communicate(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()
