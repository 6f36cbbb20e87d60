"""kubehop as a Helm plugin (`helm hop`) and a kubectl plugin (`kubectl hop`), with the real binaries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_helm_plugin_runs_kubehop_with_helms_namespace(tmp_path: Path, helm_binary: str) -> None:
    env = {**os.environ, "KUBEHOP": str(BIN / "kubehop"), "HELM_PLUGINS": str(tmp_path / "plugins"),
           "HELM_CONFIG_HOME": str(tmp_path / "config"), "HELM_DATA_HOME": str(tmp_path / "data"),
           "HELM_CACHE_HOME": str(tmp_path / "cache")}
    subprocess.run([helm_binary, "plugin", "install", str(ROOT / "helm-plugin")], env=env, check=True,
                   capture_output=True)
    done = subprocess.run(
        [helm_binary, "-n", "tools", "hop", "scan", str(ROOT / "examples/charts/image-manager"), "--target", "1.19",
         "-o", "json"], env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 3, done.stderr
    assert '"kind": "DaemonSet"' in done.stdout and '"namespace": "tools"' in done.stdout


def test_kubectl_plugin_is_installed_on_path() -> None:
    plugin = BIN / "kubectl-hop"
    if not plugin.exists():
        pytest.fail("kubectl-hop console script missing: reinstall kubehop (pip install -e .)")
    kubectl = BIN / "kubectl"
    cmd = [str(kubectl), "hop", "--version"] if kubectl.exists() else [str(plugin), "--version"]
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.startswith("kubehop ")
