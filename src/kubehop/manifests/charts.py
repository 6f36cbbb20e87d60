"""Render Helm charts with the real helm binary (`helm template`)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kubehop.errors import ManifestError
from kubehop.model import KubeVersion
from kubehop.tools import find_binary


@dataclass(frozen=True)
class ChartOptions:
    values: Sequence[str] = ()
    set_values: Sequence[str] = ()
    namespace: str | None = None
    kube_version: KubeVersion | None = None
    release_name: str = "release-name"
    api_versions: Sequence[str] = field(default_factory=tuple)


def is_chart_dir(path: Path) -> bool:
    return path.is_dir() and (path / "Chart.yaml").is_file()


def is_packaged_chart(path: Path) -> bool:
    return path.is_file() and path.name.endswith((".tgz", ".tar.gz"))


def render_chart(chart: str | Path, options: ChartOptions = ChartOptions()) -> str:
    """The chart's manifests (CRDs and hooks included), each preceded by its `# Source:` header."""
    cmd = [find_binary("helm"), "template", options.release_name, str(chart), "--include-crds"]
    if options.namespace:
        cmd += ["--namespace", options.namespace]
    if options.kube_version is not None:
        version = options.kube_version
        cmd += ["--kube-version", f"v{version.major}.{version.minor}.{version.patch or 0}"]
    for values_file in options.values:
        cmd += ["--values", values_file]
    for assignment in options.set_values:
        cmd += ["--set", assignment]
    for api_version in options.api_versions:
        cmd += ["--api-versions", api_version]
    env = {**os.environ, "HELM_NAMESPACE": options.namespace or os.environ.get("HELM_NAMESPACE", "default")}
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ManifestError(f"{chart}: helm template failed: {exc}") from exc
    if done.returncode != 0:
        raise ManifestError(f"{chart}: helm template failed: {helm_error(done.stderr) or f'exit {done.returncode}'}")
    return done.stdout


# Lines of helm's stderr that say nothing about the chart.
_ADVICE = ("Use --debug flag to render out invalid YAML", "WARNING: Kubernetes configuration file is")


def helm_error(stderr: str) -> str:
    """Helm's whole error on one line: every line kept, in order, but the --debug advice and blank lines."""
    lines = [line.strip() for line in stderr.splitlines()]
    kept = [line.removeprefix("Error: ") for line in lines if line and not line.startswith(_ADVICE)]
    return "; ".join(kept)
