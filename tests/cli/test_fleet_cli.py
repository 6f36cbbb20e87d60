"""`kubehop fleet scan` end to end against a fleet of API emulators: old (1.16), prod (1.21, /metrics,
a Helm 3 release), locked (1.24, Secrets and /metrics forbidden) and down (nothing listening)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import yaml

from kubehop.cli import main
from tests.fixtures.fleet import Fleet
from tests.fixtures.kube_cluster_seed import SECRET_CANARY, SECRET_CANARY_B64

FORMATS = ("table", "json", "yaml", "markdown", "csv", "sarif", "junit", "html")
CONTEXTS = ["old", "prod", "locked", "down"]


def run(capsys: pytest.CaptureFixture[str], fleet: Fleet, *args: str) -> tuple[int, str, str]:
    code = main(["fleet", "scan", "--kubeconfig", str(fleet.kubeconfig), "--timeout", "30", *args])
    out, err = capsys.readouterr()
    assert SECRET_CANARY not in out + err and SECRET_CANARY_B64 not in out + err
    return code, out, err


def scan_json(capsys: pytest.CaptureFixture[str], fleet: Fleet, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(capsys, fleet, *args, "-o", "json")
    return code, {c["context"]: c for c in json.loads(out)["clusters"]} | {"": json.loads(out)}


def test_every_cluster_reported_and_the_others_go_on(capsys: pytest.CaptureFixture[str], fleet: Fleet) -> None:
    code, by = scan_json(capsys, fleet, "--all-contexts", "-j", "4")
    assert code == 3
    assert [c["context"] for c in by[""]["clusters"]] == CONTEXTS
    assert by[""]["command"] == "fleet scan" and by[""]["summary"]["clusters"] == 4
    assert by[""]["summary"]["unreadable"] == 2
    versions = {c: (by[c]["serverVersion"], by[c]["target"], by[c]["status"]) for c in CONTEXTS}
    assert versions == {"old": ("1.16.15", "1.17", "ok"), "prod": ("1.21.14", "1.22", "ok"),
                        "locked": ("1.24.3", "1.25", "partial"), "down": ("", "", "error")}
    # Each cluster at its own target: the same Role written as v1beta1 is deprecated at 1.17, removed at 1.22.
    role = "bulk/roles.rbac.authorization.k8s.io/reader-00#last-applied"
    severity = {c: [f["severity"] for f in by[c]["findings"] if f["location"]["path"] == f"cluster:{c}/{role}"]
                for c in ("old", "prod", "locked")}
    assert severity == {"old": ["deprecated"], "prod": ["removed"], "locked": ["removed"]}
    # Helm release records are read where Secrets may be read, and that denial is the locked cluster's error.
    releases = {(f["location"]["release"], f["location"]["revision"]) for f in by["prod"]["findings"]
                if f["location"].get("release")}
    assert releases == {("image-manager", 1), ("image-manager", 2), ("image-manager", 3)}
    assert by["locked"]["errors"] == ["Helm releases: secret list: Kubernetes API answered 403 Forbidden"]
    assert by["locked"]["summary"]["removed"] > 0
    assert len(by["down"]["errors"]) == 1 and "context down: cannot reach the API server" in by["down"]["errors"][0]
    assert by["down"]["findings"] == []
    # Each summary counts that cluster's findings.
    for context in CONTEXTS:
        assert by[context]["summary"]["findings"] == len(by[context]["findings"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_has_a_cluster_column(capsys: pytest.CaptureFixture[str], fleet: Fleet, fmt: str) -> None:
    code, out, _ = run(capsys, fleet, "--contexts", "old,locked,down", "-o", fmt)
    assert code == 3
    if fmt == "table":
        lines = out.splitlines()
        assert lines[0] == "fleet scan: 3 clusters (2 not read); " + lines[0].split("; ", 1)[1]
        assert lines[2].split() == ["CLUSTER", "SERVER", "TARGET", "STATUS", "FINDINGS"]
        assert lines[3].split()[:4] == ["old", "1.16.15", "1.17", "ok"]
        assert lines[5].split()[:4] == ["down", "-", "-", "error"]
        assert any(line.startswith("locked   cluster:locked/") for line in lines)
        assert any(line.startswith("error: locked: Helm releases:") for line in lines)
        assert any(line.startswith("error: down: context down: cannot reach") for line in lines)
    elif fmt in ("json", "yaml"):
        data = json.loads(out) if fmt == "json" else yaml.safe_load(out)
        assert [c["context"] for c in data["clusters"]] == ["old", "locked", "down"]
    elif fmt == "markdown":
        assert "| Cluster | Server | Target | Status | Findings |" in out
        assert "| old | 1.16.15 | 1.17 | ok |" in out and "> error: down: context down: cannot reach" in out
        assert "\n| locked | removed | removed-api[" in out
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert {r["cluster"] for r in rows} == {"old", "locked", "down"}
        down = [r for r in rows if r["cluster"] == "down"]
        assert [(r["severity"], r["rule"], r["path"]) for r in down] == [("error", "cluster-unreadable", "cluster:down")]
    elif fmt == "sarif":
        runs = json.loads(out)["runs"]
        assert [r["automationDetails"]["id"] for r in runs] == [f"kubehop-fleet/{c}/" for c in ("old", "locked", "down")]
        assert [r["invocations"][0]["executionSuccessful"] for r in runs] == [True, False, False]
        assert [r["properties"]["target"] for r in runs] == ["1.17", "1.25", ""]
        assert all(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("cluster:locked")
                   for res in runs[1]["results"])
    elif fmt == "html":
        import html5lib

        root = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(out)
        assert "".join(root.find(".//h1").itertext()) == "kubehop fleet scan: 3 clusters, 2 not read"
        heads = ["".join(th.itertext()).strip() for th in root.iterfind(".//table[@id='findings']/thead/tr/th")]
        assert heads[0].startswith("Severity") and heads[1].startswith("Cluster")
        cells = {"".join(tr.findall("td")[1].itertext())
                 for tr in root.iterfind(".//table[@id='findings']/tbody/tr")}
        assert cells == {"old", "locked"}
        notes = ["".join(li.itertext()) for li in root.iterfind(".//section[@aria-labelledby='notes']//li")]
        assert any(n.startswith("error: down: context down: cannot reach") for n in notes)
        assert not re.findall(r"""\b(?:src|href)\s*=\s*["']?(?!#|data:)[^"'\s>]+""", out)
    else:
        root = ET.fromstring(out.split("\n", 1)[1])
        names = [s.get("name") for s in root.iter("testsuite")]
        assert names == ["kubehop fleet scan old target 1.17", "kubehop fleet scan locked target 1.25",
                         "kubehop fleet scan down"]
        down = list(root.iter("testsuite"))[2]
        assert down.get("errors") == "1"


def test_fleet_file_targets_labels_and_selector(capsys: pytest.CaptureFixture[str], fleet: Fleet,
                                                tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text("- context: prod\n  target: 1.25\n  labels: {env: prod}\n"
                    "- context: old\n  labels: {env: dev}\n- context: locked\n  labels: {env: prod}\n")
    code, by = scan_json(capsys, fleet, "--fleet", str(path), "--selector", "env=prod", "--no-releases")
    assert code == 3
    assert [c["context"] for c in by[""]["clusters"]] == ["prod", "locked"]
    assert (by["prod"]["target"], by["prod"]["labels"]) == ("1.25", {"env": "prod"})
    assert by["locked"]["errors"] == []  # no Secrets read without releases
    code, by = scan_json(capsys, fleet, "--fleet", str(path), "--selector", "env=dev", "-t", "1.16")
    assert [(c["context"], c["target"]) for c in by[""]["clusters"]] == [("old", "1.16")]


def test_api_requests_in_a_fleet(capsys: pytest.CaptureFixture[str], fleet: Fleet) -> None:
    code, by = scan_json(capsys, fleet, "--contexts", "prod,locked,old", "--api-requests", "--no-releases")
    assert code == 3
    called = {f["location"]["path"]: (f["severity"], f["details"].get("requests")) for f in by["prod"]["findings"]
              if f["details"].get("evidence") == "apiserver_requested_deprecated_apis"}
    assert called == {
        "cluster:prod/metrics/cronjobs.batch": ("deprecated", "1442"),
        "cluster:prod/metrics/ingresses.extensions": ("removed", "113"),
        "cluster:prod/metrics/ingresses.extensions/status": ("removed", "5"),
        "cluster:prod/metrics/podsecuritypolicies.policy": ("deprecated", "311"),
        "cluster:prod/metrics/widgets.example.com": ("deprecated", None),
    }
    assert by["locked"]["errors"] == [] and by["locked"]["status"] == "ok"
    assert any('GET /metrics: 403 Forbidden' in n and 'nonResourceURLs ["/metrics"]' in n for n in by["locked"]["notes"])
    assert any("GET /metrics: the API server answered 404" in n for n in by["old"]["notes"])


def test_a_slow_cluster_times_out(capsys: pytest.CaptureFixture[str], fleet: Fleet) -> None:
    fleet.emulators["old"].delay = 2.0
    try:
        code = main(["fleet", "scan", "--kubeconfig", str(fleet.kubeconfig), "--contexts", "old,prod",
                     "--timeout", "1", "--no-releases", "-o", "json"])
    finally:
        fleet.emulators["old"].delay = 0.0
    data = json.loads(capsys.readouterr().out)
    old, prod = data["clusters"]
    assert code == 3 and old["status"] == "error" and prod["status"] == "ok"
    assert old["errors"][0].startswith("context old: ") and "timed out" in old["errors"][0]


def test_exit_code_one_when_a_cluster_cannot_be_read(capsys: pytest.CaptureFixture[str], fleet: Fleet) -> None:
    assert run(capsys, fleet, "--contexts", "down")[0] == 1
    assert run(capsys, fleet, "--contexts", "locked", "--fail-on", "none")[0] == 1
    assert run(capsys, fleet, "--contexts", "locked", "--fail-on", "none", "--no-releases")[0] == 0
    code, by = scan_json(capsys, fleet, "--contexts", "nowhere,old", "--no-releases")
    assert code == 3 and "context 'nowhere' not found" in by["nowhere"]["errors"][0]


@pytest.mark.parametrize(("args", "message"), [
    (["--contexts", "old", "-j", "0"], "-j/--jobs must be at least 1"),
    (["--contexts", "old", "--timeout", "0"], "--timeout must be positive"),
    (["--contexts", "old", "--selector", "a=b"], "--selector filters on the labels of a fleet file"),
    (["--contexts", "old", "-t", "1.99"], "target 1.99 is newer than"),
    (["--fleet", "/nonexistent/fleet.yaml"], "fleet file /nonexistent/fleet.yaml: cannot read"),
])
def test_usage_errors(capsys: pytest.CaptureFixture[str], fleet: Fleet, args: list[str], message: str) -> None:
    code, out, err = run(capsys, fleet, *args)
    assert code == 1 and out == "" and err.startswith("kubehop: error: ") and message in err
    assert len(err.splitlines()) == 1


def test_a_cluster_that_refuses_the_credentials(capsys: pytest.CaptureFixture[str], fleet: Fleet) -> None:
    fleet.emulators["old"].reject_tokens = True
    try:
        code, by = scan_json(capsys, fleet, "--contexts", "old,prod", "--no-releases", "--fail-on", "none")
    finally:
        fleet.emulators["old"].reject_tokens = False
    assert code == 1
    assert by["old"]["status"] == "error" and by["old"]["findings"] == []
    assert by["old"]["errors"] == ["context old: GET /version: 401 Unauthorized: Unauthorized"]
    assert by["prod"]["status"] == "ok" and by["prod"]["findings"]


def test_an_audit_log_per_cluster_from_the_fleet_file(capsys: pytest.CaptureFixture[str], fleet: Fleet,
                                                     tmp_path: Path) -> None:
    audit = Path(__file__).resolve().parents[1] / "data" / "metrics" / "audit.jsonl"
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "locked.jsonl").write_text(audit.read_text())
    path = tmp_path / "fleet.yaml"
    path.write_text("- context: locked\n  auditLog: logs/locked.jsonl\n- context: old\n")
    code, by = scan_json(capsys, fleet, "--fleet", str(path), "--no-releases")
    assert code == 3
    agents = sorted(f["details"]["userAgent"] for f in by["locked"]["findings"]
                    if f["details"].get("evidence") == "audit-log")
    assert agents == ["helm/v3.5.4 (linux/amd64)", "nginx-ingress-controller/v0.34.1"]
    assert not any(f["details"].get("evidence") == "audit-log" for f in by["old"]["findings"])
    (tmp_path / "logs" / "locked.jsonl").write_text("{cut\n")
    code, by = scan_json(capsys, fleet, "--fleet", str(path), "--no-releases")
    assert by["locked"]["status"] == "partial"
    assert by["locked"]["errors"] == [f"API requests: audit log {tmp_path}/logs/locked.jsonl: line 1: not JSON "
                                      "(Expecting property name enclosed in double quotes)"]


def test_out_of_time_after_the_version_keeps_what_was_learnt(capsys: pytest.CaptureFixture[str],
                                                             fleet: Fleet) -> None:
    fleet.emulators["old"].delay = 0.5  # /version answers, the scan runs out of its 2.5 s part way
    try:
        code = main(["fleet", "scan", "--kubeconfig", str(fleet.kubeconfig), "--contexts", "old",
                     "--timeout", "2.5", "-o", "json"])
    finally:
        fleet.emulators["old"].delay = 0.0
    [old] = json.loads(capsys.readouterr().out)["clusters"]
    assert code == 1 and (old["serverVersion"], old["target"]) == ("1.16.15", "1.17"), old["errors"]
    assert len(old["errors"]) == 2 and old["errors"][0].startswith("live objects: context old: ")
    assert old["errors"][1] == "Helm releases: not read: context old: out of time"


def test_a_target_kubehop_does_not_know_is_that_clusters_error(capsys: pytest.CaptureFixture[str], fleet: Fleet,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text("- context: prod\n  target: '1.99'\n- context: old\n")
    code, by = scan_json(capsys, fleet, "--fleet", str(path), "--no-releases")
    assert code == 3 and by["old"]["status"] == "ok"
    assert (by["prod"]["serverVersion"], by["prod"]["target"], by["prod"]["status"]) == ("1.21.14", "1.99", "error")
    assert by["prod"]["errors"][0].startswith("context prod: target 1.99 is newer than ")
