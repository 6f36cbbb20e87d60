"""Renderers on their own: empty reports, release locations, escaping, exit codes."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

import pytest
import yaml

from kubehop.errors import UsageError
from kubehop.model import ExitCode, Finding, Location, Severity
from kubehop.report import FORMATS, ReportMeta, exit_code_for, render

META = ReportMeta(command="scan", target="1.22", tool_version="0.0.0", documents=3, sources=1)
RELEASE = Location(path="file:r.yaml", release="web", namespace="prod", revision=4, status="deployed",
                   template="web/templates/ing.yaml", line=2, storage_key="prod/sh.helm.release.v1.web.v4")
TRICKY = Finding(RELEASE, "removed-api", Severity.REMOVED, 'a "quoted", piped | message\nwith a newline',
                 sub_id="extensions/v1beta1/Ingress", api_version="extensions/v1beta1", kind="Ingress",
                 name="web", namespace="prod", replacement="networking.k8s.io/v1", removed_in="1.22")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_an_empty_report(fmt: str) -> None:
    assert render([], fmt, META).strip()


def test_empty_junit_still_has_a_passing_case() -> None:
    root = ET.fromstring(render([], "junit", META))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "0" and len(suite.findall("testcase")) == 1


def test_release_location_in_sarif_is_logical() -> None:
    result = json.loads(render([TRICKY], "sarif", META))["runs"][0]["results"][0]
    assert result["locations"][0]["logicalLocations"][0]["name"] == "prod/web#4"


def test_csv_round_trips_awkward_text() -> None:
    rows = list(csv.DictReader(io.StringIO(render([TRICKY], "csv", META))))
    assert rows[0]["message"] == TRICKY.message and rows[0]["revision"] == "4" and rows[0]["release"] == "web"


def test_markdown_escapes_pipes_and_newlines() -> None:
    lines = render([TRICKY], "markdown", META).splitlines()
    detail = next(x for x in lines if x.startswith("- `"))
    assert detail.endswith("a \"quoted\", piped \\| message with a newline")
    assert next(x for x in lines if x.startswith("| removed")).count(" | ") == 8


def test_yaml_and_json_carry_the_same_envelope() -> None:
    assert yaml.safe_load(render([TRICKY], "yaml", META)) == json.loads(render([TRICKY], "json", META))


def test_unknown_format() -> None:
    with pytest.raises(UsageError):
        render([], "pdf", META)


@pytest.mark.parametrize(
    ("severities", "fail_on", "code"),
    [
        ((), "deprecated", ExitCode.OK),
        ((Severity.INFO,), "deprecated", ExitCode.OK),
        ((Severity.WARNING,), "deprecated", ExitCode.DEPRECATED),
        ((Severity.DEPRECATED,), "removed", ExitCode.OK),
        ((Severity.DEPRECATED, Severity.REMOVED), "deprecated", ExitCode.REMOVED),
        ((Severity.ERROR,), "none", ExitCode.ERROR),
        ((Severity.ERROR, Severity.DEPRECATED), "deprecated", ExitCode.DEPRECATED),
        ((Severity.REMOVED,), "none", ExitCode.OK),
    ],
)
def test_exit_code_highest_wins(severities: tuple[Severity, ...], fail_on: str, code: ExitCode) -> None:
    findings = [Finding(Location("x"), "r", s, "m") for s in severities]
    assert exit_code_for(findings, fail_on) is code
