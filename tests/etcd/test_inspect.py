"""`kubehop etcd inspect` on snapshots of a real cluster holding Kubernetes-style values."""

from __future__ import annotations

import json

import pytest

from kubehop.cli import main
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.inspect import inspect_snapshot
from kubehop.model import ExitCode, KubeVersion
from tests.etcd.conftest import NEW_PASSWORD, OLD_PASSWORD, Snapshots

pytestmark = pytest.mark.etcd


def test_groups_by_resource_namespace_and_stored_version(k8s_snapshots: Snapshots) -> None:
    with BoltFile(k8s_snapshots.old) as bolt:
        report = inspect_snapshot(bolt)
    rows = {(g.resource, g.namespace, g.api_version, g.kind, g.encoding): g.count for g in report.groups}
    assert rows[("secrets", "default", "v1", "Secret", "protobuf")] == 1
    assert rows[("secrets", "default", "v1", "Secret", "json")] == 1
    assert rows[("secrets", "kube-system", "", "Secret", "encrypted:aescbc:key1")] == 1
    assert rows[("deployments", "legacy", "extensions/v1beta1", "Deployment", "protobuf")] == 1
    assert rows[("ingresses", "default", "networking.k8s.io/v1beta1", "Ingress", "protobuf")] == 1
    assert rows[("services", "default", "v1", "Service", "protobuf")] == 1
    assert rows[("apiextensions.k8s.io/customresourcedefinitions", "", "apiextensions.k8s.io/v1beta1",
                 "CustomResourceDefinition", "json")] == 1
    assert rows[("stable.example.com/crontabs", "default", "stable.example.com/v1", "CronTab", "json")] == 1
    assert ("pods", "default", "v1", "Pod", "protobuf") not in rows  # deleted before the snapshot
    assert report.other_keys == 1  # compact_rev_key
    assert report.objects == ()  # nothing flagged without a target


def test_target_flags_versions_the_target_no_longer_serves(k8s_snapshots: Snapshots) -> None:
    with BoltFile(k8s_snapshots.old) as bolt:
        report = inspect_snapshot(bolt, KubeVersion.parse("1.22"))
    flagged = {(o.resource, o.namespace, o.name): o.status for o in report.flagged}
    assert flagged == {
        ("deployments", "legacy", "old-web"): "removed",
        ("ingresses", "default", "site"): "removed",
        ("apiextensions.k8s.io/customresourcedefinitions", "", "crontabs.stable.example.com"): "removed",
    }
    with BoltFile(k8s_snapshots.old) as bolt:
        older = inspect_snapshot(bolt, KubeVersion.parse("1.15"))
    assert {o.name for o in older.flagged if o.status == "removed"} == set()
    assert "old-web" in {o.name for o in older.flagged if o.status == "deprecated"}


def test_cli_table_and_exit_codes_never_print_secret_data(k8s_snapshots: Snapshots,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["etcd", "inspect", str(k8s_snapshots.old), "--target", "1.22", "--all"]) == ExitCode.REMOVED
    out = capsys.readouterr().out
    assert "old-web" in out and "extensions/v1beta1" in out and "removed" in out
    assert "db-password" in out and "encrypted:aescbc:key1" in out
    for secret in (OLD_PASSWORD, NEW_PASSWORD, b"b2xkLXRva2Vu", b"old-token"):
        assert secret.decode() not in out
    assert main(["etcd", "inspect", str(k8s_snapshots.old)]) == ExitCode.OK


def test_cli_json(k8s_snapshots: Snapshots, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["etcd", "inspect", str(k8s_snapshots.new), "--target", "1.16", "-o", "json"]) == ExitCode.REMOVED
    data = json.loads(capsys.readouterr().out)
    assert (data["kubehopResultVersion"], data["command"], data["target"]) == ("1", "etcd inspect", "1.16")
    assert data["objects"][0]["apiVersion"] and "modRevision" in data["objects"][0]
    assert {o["name"]: o["status"] for o in data["objects"]} == {
        "old-web": "removed", "crontabs.stable.example.com": "deprecated"}
    assert OLD_PASSWORD.decode() not in json.dumps(data) and NEW_PASSWORD.decode() not in json.dumps(data)


def test_bad_target_is_a_usage_error(k8s_snapshots: Snapshots, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["etcd", "inspect", str(k8s_snapshots.old), "--target", "banana"]) == ExitCode.ERROR
    assert "not a Kubernetes version" in capsys.readouterr().err
