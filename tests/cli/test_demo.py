"""`kubehop demo` runs the find-and-fix flow on the shipped examples and changes nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
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


def _build_wheel(tmp_path: Path) -> Path:
    """The wheel of this source tree, built offline from a copy (the tree itself stays clean)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    shutil.copytree(ROOT / "src", tree / "src", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "examples", tree / "examples")
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
                    "-w", str(dist), str(tree)], check=True, capture_output=True, text=True)
    (wheel,) = dist.glob("kubehop-*.whl")
    return wheel


def test_demo_runs_from_an_installed_wheel(tmp_path: Path, helm_binary: str) -> None:
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"kubehop/examples/manifests/image-manager.yaml", "kubehop/examples/charts/image-manager/Chart.yaml",
            "kubehop/examples/releases/helm2-image-manager.yaml"} <= names
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)  # pip: --python below
    python = venv / "bin" / "python"
    # kubehop's dependencies come from this environment (offline); kubehop itself only from the wheel.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    deps = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "_kubehop_test_deps.pth").write_text("\n".join(deps) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"  # no examples/ here, and not the checkout
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["KUBEHOP_HELM"] = helm_binary
    done = subprocess.run([str(venv / "bin" / "kubehop"), "demo"], cwd=elsewhere, env=env, capture_output=True,
                          text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    installed = subprocess.run([str(python), "-c", "import kubehop; print(kubehop.__file__)"], cwd=elsewhere,
                               env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert installed.startswith(site)  # the wheel's kubehop ran, not the checkout's
    examples = Path(installed).parent / "examples"
    assert f"$ kubehop scan {examples}/manifests {examples}/charts/image-manager --target 1.19" in done.stdout
    assert [line for line in done.stdout.splitlines() if line.startswith("(exit code")] == [
        "(exit code 3)", "(exit code 3)", "(exit code 0)", "(exit code 0)"]
    assert "=== default/image-manager (Helm v2): would fix" in done.stdout
