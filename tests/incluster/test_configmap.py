"""The report ConfigMap: its data (plain, compressed when large, bounded), and writing it to the API emulator."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json

import pytest

from kubehop.errors import ClusterError, UsageError
from kubehop.incluster import COMPRESSED_KEY, GENERATED_AT, METRICS_KEY, REPORT_KEY, ReportTarget, decode_report
from kubehop.incluster.configmap import COMPRESS_ABOVE, report_configmap, report_data, write_report_configmap
from tests.fixtures.kube_api import KubeApi

WHEN = dt.datetime(2026, 3, 1, 4, 5, 6, 789, tzinfo=dt.UTC)


def test_target_parsing() -> None:
    assert ReportTarget.parse("tools/kubehop-report", None) == ReportTarget("tools", "kubehop-report")
    assert ReportTarget.parse("kubehop-report", "payments") == ReportTarget("payments", "kubehop-report")
    for bad, default in (("report", None), ("Tools/report", None), ("tools/", None), ("a/b c", None)):
        with pytest.raises(UsageError, match="--report-configmap"):
            ReportTarget.parse(bad, default)


def test_small_report_is_stored_as_is_with_metrics_and_timestamp() -> None:
    body = report_configmap(ReportTarget("tools", "r"), '{"findings": []}\n', WHEN, "kubehop_findings 0\n")
    assert body["data"] == {REPORT_KEY: '{"findings": []}\n', METRICS_KEY: "kubehop_findings 0\n"}
    assert body["metadata"]["annotations"] == {GENERATED_AT: "2026-03-01T04:05:06Z"}
    assert decode_report(body, "cm") == ({"findings": []}, "2026-03-01T04:05:06Z")


def test_large_report_is_gzipped_and_base64_and_decodes_back() -> None:
    findings = [{"message": f"finding {i} " + "x" * 90} for i in range(12000)]
    text = json.dumps({"findings": findings})
    assert len(text) > COMPRESS_ABOVE
    data = report_data(text)
    assert list(data) == [COMPRESSED_KEY]
    assert gzip.decompress(base64.b64decode(data[COMPRESSED_KEY])).decode() == text
    assert len(data[COMPRESSED_KEY]) < len(text) / 5
    assert decode_report({"data": data}, "cm")[0] == {"findings": findings}


def test_a_report_too_large_even_compressed_is_refused() -> None:
    import random

    rng = random.Random(7)
    noise = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(1_600_000))
    with pytest.raises(UsageError, match="over the 1048576-byte ConfigMap limit"):
        report_data(json.dumps({"findings": [noise]}))


def test_undecodable_reports_are_one_line_errors() -> None:
    with pytest.raises(ClusterError, match="holds neither"):
        decode_report({"data": {}}, "tools/r")
    with pytest.raises(ClusterError, match="cannot be decoded"):
        decode_report({"data": {COMPRESSED_KEY: "not base64!"}}, "tools/r")


def test_write_creates_then_updates_the_one_configmap(kube_api: KubeApi) -> None:
    client = kube_api.api_client()
    target = ReportTarget(kube_api.namespace(), "kubehop-report")
    first = report_configmap(target, '{"n": 1}', WHEN)
    assert write_report_configmap(client, first) == "created"
    later = report_configmap(target, '{"n": 2}', WHEN + dt.timedelta(days=1))
    assert write_report_configmap(client, later) == "updated"
    stored = [obj.raw for (res, ns, name), obj in kube_api.emulator.objects.items()
              if res.plural == "configmaps" and ns == target.namespace and not obj.deleted]
    assert len(stored) == 1
    assert decode_report(stored[0], str(target)) == ({"n": 2}, "2026-03-02T04:05:06Z")
