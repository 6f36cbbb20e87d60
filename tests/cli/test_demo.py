"""`kubehop demo` runs the find-and-fix flow on the shipped examples and changes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kubehop.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _digest(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_demo_tours_scan_releases_fix_and_convert(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch, helm_binary: str) -> None:
    monkeypatch.chdir(ROOT)
    before = _digest(ROOT / "examples")
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n## ") == 4
    assert "$ kubehop scan examples/manifests examples/charts/image-manager --target 1.19" in out
    assert "default/image-manager#3 (deployed)" in out
    assert "=== default/image-manager (Helm v2): would fix" in out and "+apiVersion: apps/v1" in out
    assert "kind: Ingress" in out and "pathType: ImplementationSpecific" in out
    assert [line for line in out.splitlines() if line.startswith("(exit code")] == [
        "(exit code 3)", "(exit code 3)", "(exit code 0)", "(exit code 0)"]
    assert _digest(ROOT / "examples") == before


def test_demo_refuses_a_folder_without_examples(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["demo", "--examples", str(tmp_path)]) == 1
    assert "not a kubehop examples folder" in capsys.readouterr().err
