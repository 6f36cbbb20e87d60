"""`kubehop scan --cluster --api-requests [--audit-log FILE]`: deprecated APIs clients still call."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kubehop.cli import main
from tests.fixtures.fleet import Fleet

AUDIT = Path(__file__).resolve().parents[1] / "data" / "metrics" / "audit.jsonl"


def scan(capsys: pytest.CaptureFixture[str], fleet: Fleet, context: str, *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["scan", "--cluster", "--kubeconfig", str(fleet.kubeconfig), "--context", context, "-o", "json",
                 *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out else {}


def requested(data: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {f["location"]["path"]: (f["tag"], f["message"]) for f in data["findings"]
            if f["details"].get("evidence") in ("apiserver_requested_deprecated_apis", "audit-log")}


def test_metrics_show_what_clients_still_call(capsys: pytest.CaptureFixture[str], fleet: Fleet) -> None:
    code, data = scan(capsys, fleet, "prod", "--api-requests", "--target", "1.25")
    assert code == 3
    found = requested(data)
    assert found["cluster:prod/metrics/ingresses.extensions"] == (
        "removed-api[extensions/v1beta1/Ingress]",
        "extensions/v1beta1 Ingress is not served in 1.25: deprecated in 1.14, removed in 1.22; use "
        "networking.k8s.io/v1 (served since 1.19) (still called: 113 requests to ingresses.extensions)")
    assert found["cluster:prod/metrics/cronjobs.batch"][0] == "removed-api[batch/v1beta1/CronJob]"
    # A deprecated API kubehop's lifecycle data does not know: what the API server itself says.
    assert found["cluster:prod/metrics/widgets.example.com"] == (
        "deprecated-api[example.com/v1alpha1/widgets]",
        "the API server reports example.com/v1alpha1 widgets as deprecated (still called: requests to "
        "widgets.example.com)")
    assert "context prod: /metrics shows 5 deprecated API(s) requested since the API server started" in data["notes"]
    # Without the option, /metrics is not read.
    requests_before = len(fleet.emulators["prod"].requests)
    _, plain = scan(capsys, fleet, "prod", "--target", "1.25")
    assert requested(plain) == {} and "/metrics" not in fleet.emulators["prod"].requests[requests_before:]


def test_forbidden_metrics_is_a_note(capsys: pytest.CaptureFixture[str], fleet: Fleet) -> None:
    code, data = scan(capsys, fleet, "locked", "--api-requests")
    assert code == 3 and requested(data) == {}
    assert ('context locked: GET /metrics: 403 Forbidden: forbidden: User "tester" cannot get path "/metrics" '
            '(grant get on nonResourceURLs ["/metrics"] to see which deprecated APIs clients still call)'
            in data["notes"])


def test_audit_log_names_the_callers(capsys: pytest.CaptureFixture[str], fleet: Fleet) -> None:
    code, data = scan(capsys, fleet, "locked", "--audit-log", str(AUDIT), "--target", "1.22")
    assert code == 3
    by_agent = {(f["location"]["path"], f["details"]["userAgent"], f["details"]["requests"], f["severity"])
                for f in data["findings"] if f["details"].get("evidence") == "audit-log"}
    assert by_agent == {
        (f"audit-log:{AUDIT}/ingresses.extensions", "nginx-ingress-controller/v0.34.1", "2", "removed"),
        (f"audit-log:{AUDIT}/cronjobs.batch", "helm/v3.5.4 (linux/amd64)", "1", "deprecated"),
    }


@pytest.mark.parametrize(("args", "message"), [
    (["--releases", "--api-requests"], "--api-requests and --audit-log read a cluster's API requests: add --cluster"),
    (["--cluster", "--audit-log", "/nonexistent/audit.log"], "audit log /nonexistent/audit.log: cannot read"),
])
def test_usage_errors(capsys: pytest.CaptureFixture[str], fleet: Fleet, args: list[str], message: str) -> None:
    code = main(["scan", "--kubeconfig", str(fleet.kubeconfig), "--context", "prod", "-t", "1.22", *args])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and err.startswith(f"kubehop: error: {message}") and len(err.splitlines()) == 1


def test_bad_audit_log_line(capsys: pytest.CaptureFixture[str], fleet: Fleet, tmp_path: Path) -> None:
    log = tmp_path / "audit.log"
    log.write_text(AUDIT.read_text().splitlines()[0] + "\n{cut off\n")
    code = main(["scan", "--cluster", "--kubeconfig", str(fleet.kubeconfig), "--context", "prod", "-t", "1.22",
                 "--audit-log", str(log)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.startswith(f"kubehop: error: audit log {log}: line 2: not JSON (")
