"""`kubehop fleet collect` end to end: the reports the in-cluster CronJob keeps in each cluster's
`kubehop-report` ConfigMap (plain or base64 of gzip), read with one get each, merged with their age."""

from __future__ import annotations

import base64
import datetime
import gzip
import json
from collections.abc import Iterator
from typing import Any

import pytest

from kubehop.cli import main
from tests.fixtures.fleet import Fleet


def put_configmap(fleet: Fleet, context: str, data: dict[str, str], generated_at: str, name: str) -> None:
    from kubernetes import client

    from kubehop.cluster import api_client

    body = {"apiVersion": "v1", "kind": "ConfigMap", "data": data,
            "metadata": {"name": name, "namespace": "kubehop",
                         "annotations": {"kubehop.dev/generated-at": generated_at}}}
    client.CoreV1Api(api_client(str(fleet.kubeconfig), context)).create_namespaced_config_map("kubehop", body)


def ago(hours: float) -> str:
    moment = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def reports(fleet: Fleet) -> Iterator[dict[str, str]]:
    """Each live cluster's report as its CronJob would write it: `scan --cluster --releases -o json`."""
    import contextlib
    import io

    made: dict[str, str] = {}
    for context in ("old", "prod", "locked"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            main(["scan", "--cluster", "--kubeconfig", str(fleet.kubeconfig), "--context", context, "-o", "json"])
        made[context] = out.getvalue()
    name = "kubehop-report"
    put_configmap(fleet, "prod", {"report.json": made["prod"]}, ago(2), name)
    put_configmap(fleet, "old", {"report.json": made["old"]}, ago(30), name)  # the CronJob stopped: stale
    packed = base64.b64encode(gzip.compress(made["locked"].encode())).decode()
    put_configmap(fleet, "locked", {"report.json.gz.b64": packed}, ago(0.1), name)
    yield made


def collect(capsys: pytest.CaptureFixture[str], fleet: Fleet, *args: str) -> tuple[int, str, str]:
    code = main(["fleet", "collect", "--kubeconfig", str(fleet.kubeconfig), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_collect_merges_reports_with_their_age(capsys: pytest.CaptureFixture[str], fleet: Fleet,
                                               reports: dict[str, str]) -> None:
    before = {c: len(e.requests) for c, e in fleet.emulators.items()}
    code, out, _ = collect(capsys, fleet, "--all-contexts", "-o", "json")
    data = json.loads(out)
    assert code == 3 and data["command"] == "fleet collect" and data["maxAge"] == "26h"
    by: dict[str, Any] = {c["context"]: c for c in data["clusters"]}
    assert list(by) == ["old", "prod", "locked", "down"]
    for context in ("old", "prod", "locked"):
        original = json.loads(reports[context])
        assert by[context]["findings"] == original["findings"], context
        assert by[context]["target"] == original["target"]
        assert by[context]["summary"] == original["summary"]
        assert by[context]["serverVersion"] == original["serverVersion"]  # the scan chose its target from it
    assert [by[c]["serverVersion"][:5] for c in ("old", "prod", "locked")] == ["1.16.", "1.21.", "1.24."]
    assert [by[c]["status"] for c in by] == ["stale", "ok", "ok", "error"]
    assert by["old"]["report"]["stale"] and 29.9 * 3600 < by["old"]["report"]["ageSeconds"] < 30.1 * 3600
    assert not by["prod"]["report"]["stale"] and 1.9 * 3600 < by["prod"]["report"]["ageSeconds"] < 2.1 * 3600
    assert data["summary"]["stale"] == 1 and data["summary"]["unreadable"] == 1
    # One get of one ConfigMap per cluster, nothing else.
    for context, emulator in fleet.emulators.items():
        assert emulator.requests[before[context]:] == ["/api/v1/namespaces/kubehop/configmaps/kubehop-report"]


def test_collect_table_shows_age_and_staleness(capsys: pytest.CaptureFixture[str], fleet: Fleet,
                                               reports: dict[str, str]) -> None:
    code, out, _ = collect(capsys, fleet, "--contexts", "old,prod", "--max-age", "31h")
    lines = out.splitlines()
    assert lines[0].startswith("fleet collect: 2 clusters; ")
    assert lines[2].split() == ["CLUSTER", "SERVER", "TARGET", "STATUS", "AGE", "FINDINGS"]
    assert lines[3].split()[:4] == ["old", "1.16.15", "1.17", "ok"] and lines[3].split()[4] in ("29h59m", "30h00m")
    assert lines[4].split()[:4] == ["prod", json.loads(reports["prod"])["serverVersion"], "1.22", "ok"] and lines[4].split()[4] in ("1h59m", "2h00m")
    assert code == 3
    code, out, _ = collect(capsys, fleet, "--contexts", "prod,old", "--fail-on", "none")
    assert code == 1  # a stale report is a problem even when findings are not
    code, out, _ = collect(capsys, fleet, "--contexts", "prod", "--fail-on", "none")
    assert code == 0


def test_missing_report(capsys: pytest.CaptureFixture[str], fleet: Fleet, reports: dict[str, str]) -> None:
    code, out, _ = collect(capsys, fleet, "--contexts", "prod", "--report-name", "elsewhere", "-o", "json")
    cluster = json.loads(out)["clusters"][0]
    assert code == 1 and cluster["status"] == "error"
    assert cluster["errors"] == ["context prod: no report: configmap kubehop/elsewhere not found (is the kubehop "
                                 "chart installed, and has its CronJob run?)"]


def test_forbidden_report(capsys: pytest.CaptureFixture[str], fleet: Fleet, reports: dict[str, str]) -> None:
    fleet.emulators["prod"].reject_tokens = True
    try:
        code, out, _ = collect(capsys, fleet, "--contexts", "prod,locked", "-o", "json")
    finally:
        fleet.emulators["prod"].reject_tokens = False
    prod, locked = json.loads(out)["clusters"]
    assert code == 3 and prod["status"] == "error" and locked["status"] == "ok"
    assert prod["errors"] == ["context prod: get configmap kubehop/kubehop-report: 401 Unauthorized: Unauthorized "
                              "(grant get on this one ConfigMap)"]
