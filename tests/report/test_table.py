"""The table people read: a severity column, grouped by source, fitted to the terminal, coloured on a TTY."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from kubehop.model import Finding, Location, Severity
from kubehop.report import ReportMeta, render
from tests.terminal import on_a_terminal

ROOT = Path(__file__).resolve().parents[2]
META = ReportMeta(command="scan", target="1.22", tool_version="0.0.0", documents=3, sources=2)


def _finding(path: str, line: int, severity: Severity, rule: str = "removed-api", **kw: str) -> Finding:
    defaults = {"api_version": "rbac.authorization.k8s.io/v1beta1", "kind": "ClusterRoleBinding",
                "name": "a-rather-long-binding-name", "replacement": "rbac.authorization.k8s.io/v1",
                "replacement_available_in": "1.8", "deprecated_in": "1.17", "removed_in": "1.22"}
    return Finding(Location(path, line=line), rule, severity, f"message of {rule} at {path}:{line}",
                   sub_id=f"x/{line}", **{**defaults, **kw})


FINDINGS = [
    _finding("deploy/rbac.yaml", 3, Severity.REMOVED),
    _finding("deploy/apps/ingress.yaml", 7, Severity.DEPRECATED, "deprecated-api", api_version="extensions/v1beta1",
             kind="Ingress", name="web", replacement="networking.k8s.io/v1", removed_in="1.22"),
    _finding("deploy/rbac.yaml", 40, Severity.REMOVED),
]


def test_a_severity_column_and_findings_grouped_by_source() -> None:
    lines = render(FINDINGS, "table", META).splitlines()
    assert lines[0] == "deploy/rbac.yaml"
    assert lines[1].split() == ["WHERE", "SEVERITY", "OBJECT", "API", "VERSION", "REPLACEMENT", "DEPRECATED",
                                "REMOVED", "RULE"]
    assert lines[2].split()[:2] == ["3", "removed"] and lines[3].split()[:2] == ["40", "removed"]
    assert lines[5] == "deploy/apps/ingress.yaml" and lines[7].split()[:2] == ["7", "deprecated"]
    assert lines[-1] == "2 removed, 1 deprecated at target 1.22 (3 documents in 2 sources)"


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_the_table_fits_the_width(width: int) -> None:
    text = render(FINDINGS, "table", replace(META, width=width))
    assert max(len(line) for line in text.splitlines()) <= width
    assert "--wide shows every column" in text or "…" in text
    # What a shortened row hides is still said: every finding's message is listed.
    assert all(f.message in text.replace("\n  ", " ") for f in FINDINGS)


def test_without_a_width_every_column_is_whole() -> None:
    text = render(FINDINGS, "table", META)
    assert "ClusterRoleBinding/a-rather-long-binding-name" in text and "rbac.authorization.k8s.io/v1 (1.8+)" in text
    assert "…" not in text and "Details" not in text  # API findings explain themselves in their row


def test_colour_marks_only_the_severity() -> None:
    plain = render(FINDINGS, "table", META)
    coloured = render(FINDINGS, "table", replace(META, color=True))
    assert "\033[" not in plain
    assert "\033[1;31mremoved\033[0m" in coloured and "\033[33mdeprecated\033[0m" in coloured
    assert [line.replace("\033[1;31m", "").replace("\033[33m", "").replace("\033[0m", "")
            for line in coloured.splitlines()] == plain.splitlines()  # columns stay aligned


def test_no_findings_is_said_once() -> None:
    assert render([], "table", META) == "No findings at target 1.22 (3 documents in 2 sources)\n"


def test_colour_on_a_terminal_unless_no_color() -> None:
    args = ("scan", "examples/manifests", "-t", "1.19")
    assert "\033[1;31mremoved\033[0m" in on_a_terminal(*args).replace("\r\n", "\n")
    assert "\033[" not in on_a_terminal(*args, env={"NO_COLOR": "1"})
    piped = subprocess.run([sys.executable, "-m", "kubehop", *args], capture_output=True, text=True, cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=False)
    assert "\033[" not in piped.stdout and "missing-selector" in piped.stdout


def test_columns_and_wide(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from kubehop.cli import main

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "90")
    assert main(["scan", "examples/manifests", "-t", "1.19"]) == 3
    narrow = capsys.readouterr().out
    assert max(len(line) for line in narrow.splitlines()) <= 90 and "--wide shows every column" in narrow
    assert main(["scan", "examples/manifests", "-t", "1.19", "--wide"]) == 3
    wide = capsys.readouterr().out
    assert "DaemonSet/image-manager-init-certs  extensions/v1beta1" in wide and "DEPRECATED" in wide
    assert max(len(line) for line in wide.splitlines() if not line.startswith("- ")) > 90


def test_shortened_cells_keep_the_version_and_the_line() -> None:
    chart = Location("charts/web", line=12, template="web/templates/a-rather-long-deployment-name.yaml")
    finding = Finding(chart, "removed-api", Severity.REMOVED, "extensions/v1beta1 Deployment is not served",
                      sub_id="x", api_version="extensions/v1beta1", kind="Deployment", name="web-frontend-canary",
                      replacement="apps/v1", removed_in="1.16")
    lines = render([finding], "table", replace(META, width=64)).splitlines()
    assert lines[0] == "charts/web" and max(len(line) for line in lines) <= 64
    row = lines[2].split()
    assert row[0].startswith("…") and row[0].endswith(".yaml:12")  # the file's end and the line
    assert row[1] == "removed" and "…/v1beta1" in lines[2]  # the API group shortened, never the version
