"""Reading the in-cluster report ConfigMap: plain and packed payloads, age, staleness, bad payloads."""

from __future__ import annotations

import base64
import datetime
import gzip
import json
from typing import Any

import pytest

from kubehop.errors import UsageError
from kubehop.fleet.collect import CollectOptions, parse_max_age, report_from_configmap
from kubehop.fleet.model import FleetMember
from kubehop.fleet.records import finding_from_record
from kubehop.model import Finding, Location, Severity
from kubehop.report import ReportMeta, render
from kubehop.report.common import finding_record

NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)
FINDINGS = [
    Finding(Location("cluster:prod/shop/ingresses.networking.k8s.io/web#last-applied"),
            "removed-api", Severity.REMOVED, "extensions/v1beta1 Ingress is not served in 1.22",
            sub_id="extensions/v1beta1/Ingress", api_version="extensions/v1beta1", kind="Ingress", name="web",
            namespace="shop", replacement="networking.k8s.io/v1", deprecated_in="1.14", removed_in="1.22",
            replacement_available_in="1.19", details=(("evidence", "last-applied"),)),
    Finding(Location("x", template="t.yaml", release="app", namespace="default", revision=3, status="deployed"),
            "missing-selector", Severity.WARNING, "no selector", kind="Deployment", name="app"),
]
REPORT = render(FINDINGS, "json", ReportMeta("scan", "1.22", "9", documents=7, sources=3, notes=("a note",)))


def configmap(data: dict[str, str], generated_at: str | None = "2026-12-07T10:00:00Z") -> dict[str, Any]:
    annotations = {"kubehop.dev/generated-at": generated_at} if generated_at else {}
    return {"metadata": {"name": "kubehop-report", "annotations": annotations}, "data": data}


def read(cm: dict[str, Any], max_age: str = "26h") -> Any:
    return report_from_configmap(FleetMember("prod"), cm, CollectOptions(now=NOW, max_age=parse_max_age(max_age)))


def test_records_round_trip() -> None:
    assert [finding_from_record(finding_record(f)) for f in FINDINGS] == FINDINGS


def test_plain_report() -> None:
    report = read(configmap({"report.json": REPORT}))
    assert report.findings == tuple(FINDINGS) and report.target == "1.22" and report.errors == ()
    assert (report.documents, report.sources, report.notes) == (7, 3, ("a note",))
    assert report.age is not None and report.age.age_seconds == 7200 and not report.age.stale
    assert report.status == "ok"


def test_packed_report_and_staleness() -> None:
    packed = base64.b64encode(gzip.compress(REPORT.encode())).decode()
    report = read(configmap({"report.json.gz.b64": packed}), max_age="90m")
    assert report.findings == tuple(FINDINGS)
    assert report.age is not None and report.age.stale and report.status == "stale"
    assert [f.rule_id for f in report.error_findings()] == ["stale-report"]


def test_missing_generated_at_is_stale_with_a_note() -> None:
    report = read(configmap({"report.json": REPORT}, generated_at=None))
    assert report.age is not None and report.age.stale and report.age.age_seconds is None
    assert "has no kubehop.dev/generated-at annotation" in report.notes[-1]


@pytest.mark.parametrize(("data", "message"), [
    ({}, "neither report.json nor report.json.gz.b64"),
    ({"report.json": "{"}, "report.json is not JSON (Expecting property name enclosed in double quotes at line 1"),
    ({"report.json": ""}, "report.json is not JSON (Expecting value at line 1 column 1)"),
    ({"report.json": json.dumps({"findings": [], "kubehopResultVersion": "0"})}, "result version '0'"),
    ({"report.json": json.dumps({"kubehopResultVersion": "1"})}, "no findings"),
    ({"report.json": json.dumps({"kubehopResultVersion": "1", "findings": [{"rule": "x"}]})}, "finding 0"),
    ({"report.json.gz.b64": "bm90IGd6aXA="}, "not base64 of gzip"),
])
def test_bad_payload_is_an_error_of_that_cluster(data: dict[str, str], message: str) -> None:
    report = read(configmap(data))
    assert report.findings == () and len(report.errors) == 1
    assert report.errors[0].startswith("context prod: configmap kubehop/kubehop-report: ")
    assert message in report.errors[0]


def test_max_age() -> None:
    assert parse_max_age("26h") == datetime.timedelta(hours=26)
    assert parse_max_age("90m") == datetime.timedelta(minutes=90)
    assert parse_max_age("2d") == datetime.timedelta(days=2)
    assert parse_max_age("30") == datetime.timedelta(seconds=30)
    for bad in ("soon", "-1h", "0"):
        with pytest.raises(UsageError, match="--max-age"):
            parse_max_age(bad)
