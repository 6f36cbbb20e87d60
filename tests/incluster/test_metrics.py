"""Prometheus summary of a scan, and the exporter that serves it."""

from __future__ import annotations

import datetime as dt
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubehop.incluster import findings_metrics
from kubehop.incluster.exporter import CONTENT_TYPE, serve
from kubehop.model import Finding, Location, Severity

WHEN = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def finding(rule: str, severity: Severity, api_version: str, kind: str, namespace: str) -> Finding:
    return Finding(Location("x"), rule, severity, "m", api_version=api_version, kind=kind, namespace=namespace)


def test_findings_are_counted_by_their_labels() -> None:
    found = [finding("removed-api", Severity.REMOVED, "extensions/v1beta1", "Ingress", "shop")] * 2 + [
        finding("deprecated-api", Severity.DEPRECATED, "policy/v1beta1", "PodSecurityPolicy", ""),
        finding("parse-error", Severity.ERROR, "", "", 'we"ird\\ns'),
    ]
    text = findings_metrics(found, WHEN, "1.22")
    samples = [line for line in text.splitlines() if not line.startswith("#")]
    assert samples == [
        'kubehop_findings{severity="deprecated",rule="deprecated-api",api_version="policy/v1beta1",'
        'kind="PodSecurityPolicy",namespace=""} 1',
        'kubehop_findings{severity="error",rule="parse-error",api_version="",kind="",namespace="we\\"ird\\\\ns"} 1',
        'kubehop_findings{severity="removed",rule="removed-api",api_version="extensions/v1beta1",kind="Ingress",'
        'namespace="shop"} 2',
        f'kubehop_report_generated_timestamp_seconds{{target="1.22"}} {int(WHEN.timestamp())}',
    ]
    assert "# TYPE kubehop_findings gauge" in text and text.endswith("\n")


def test_no_findings_still_says_when_the_scan_ran() -> None:
    text = findings_metrics([], WHEN, "1.25")
    assert [line for line in text.splitlines() if not line.startswith("#")] == [
        f'kubehop_report_generated_timestamp_seconds{{target="1.25"}} {int(WHEN.timestamp())}']


@pytest.fixture
def exporter(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    metrics = tmp_path / "metrics.prom"
    server = serve(metrics, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", metrics
    server.shutdown()
    server.server_close()


def test_exporter_serves_the_current_file_with_the_prometheus_content_type(exporter: tuple[str, Path]) -> None:
    url, metrics = exporter
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{url}/metrics", timeout=10)
    assert missing.value.code == 503  # no report yet: the target is down, not empty
    metrics.write_text(findings_metrics([], WHEN, "1.22"), encoding="utf-8")
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as response:
        assert response.headers["Content-Type"] == CONTENT_TYPE
        assert response.read().decode() == metrics.read_text()
    metrics.write_text("kubehop_findings 7\n", encoding="utf-8")  # the kubelet refreshed the mounted file
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as response:
        assert response.read() == b"kubehop_findings 7\n"
    with pytest.raises(urllib.error.HTTPError) as other:
        urllib.request.urlopen(f"{url}/", timeout=10)
    assert other.value.code == 404
