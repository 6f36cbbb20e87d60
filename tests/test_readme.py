"""The README's examples are real: every ```console block is run again and must print what it shows.

Each block runs as one bash script in a fresh folder holding a copy of examples/, with kubehop and
helm from this environment first on PATH. With UPDATE_README=1 the outputs in README.md are
rewritten from the run instead (review the diff before committing).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_BLOCK = re.compile(r"```console\n(.*?)```\n", re.S)
_MARK = "@@kubehop-readme-step@@"


def _blocks(text: str) -> list[re.Match[str]]:
    return list(_BLOCK.finditer(text))


def _commands(block: str) -> list[str]:
    return [line[2:] for line in block.splitlines() if line.startswith("$ ")]


def _run(commands: list[str], workdir: Path) -> list[str]:
    # The marker is printed between commands without losing the previous command's exit status.
    step = f"__rc=$?; printf '%s\\n' '{_MARK}'; (exit $__rc)\n"
    script = "exec 2>&1\n" + "".join(f"{step}{command}\n" for command in commands)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELM_", "KUBEHOP_", "ETCDCTL_"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", COLUMNS="100",
               KUBECONFIG=str(workdir / "no-kubeconfig"))
    done = subprocess.run(["bash", "-c", script], cwd=workdir, env=env, capture_output=True, text=True,
                          check=False, timeout=300)
    steps = done.stdout.replace("\r", "").split(_MARK + "\n")[1:]
    assert len(steps) == len(commands), done.stderr
    return steps


def _render(commands: list[str], outputs: list[str]) -> str:
    return "".join(f"$ {command}\n{output}" for command, output in zip(commands, outputs, strict=True))


def _workdir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    return tmp_path


def test_readme_has_examples() -> None:
    assert len(_blocks(README.read_text())) >= 8


@pytest.mark.parametrize("index", range(len(_blocks(README.read_text()))))
def test_readme_example_is_current(index: int, tmp_path: Path, helm_binary: str) -> None:
    text = README.read_text()
    block = _blocks(text)[index]
    commands = _commands(block.group(1))
    rendered = _render(commands, _run(commands, _workdir(tmp_path)))
    if os.environ.get("UPDATE_README"):
        fresh = README.read_text()
        current = _blocks(fresh)[index]
        README.write_text(fresh[: current.start(1)] + rendered + fresh[current.end(1):])
        return
    assert block.group(1) == rendered
