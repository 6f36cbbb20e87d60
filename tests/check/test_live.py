"""Live objects read through the official client from a real HTTP API server (kmock's emulator)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubehop.check.live import fetch_live, fetch_storage_classes, object_path, plural, request
from kubehop.cli import main
from tests.check.helpers import DATA, load
from tests.fixtures.kube_api import KubeApi


def _create(client: Any, path: str, obj: dict[str, Any]) -> None:
    status, _ = request(client, "POST", path, obj)
    assert status in (200, 201), status


def test_paths_and_plurals() -> None:
    assert object_path("apps/v1", "DaemonSet", "ns", "x") == "/apis/apps/v1/namespaces/ns/daemonsets/x"
    assert object_path("v1", "Service", "ns", "web") == "/api/v1/namespaces/ns/services/web"
    assert object_path("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "ns", "b") == \
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/b"
    assert (plural("Ingress"), plural("NetworkPolicy"), plural("PersistentVolumeClaim")) == \
        ("ingresses", "networkpolicies", "persistentvolumeclaims")


def test_fetch_live_tries_each_api_version_and_skips_missing(kube_api: KubeApi) -> None:
    ns = kube_api.namespace()
    client = kube_api.api_client()
    live = load("seed/live.yaml")[0]
    live["metadata"]["namespace"] = ns
    _create(client, f"/apis/apps/v1/namespaces/{ns}/daemonsets", live)
    found = fetch_live(client, [(("extensions/v1beta1", "apps/v1"), "DaemonSet", ns, "x"),
                                (("apps/v1",), "DaemonSet", ns, "missing")])
    assert [o["metadata"]["name"] for o in found] == ["x"]
    assert found[0]["spec"]["selector"] == live["spec"]["selector"]


def test_check_upgrade_against_the_cluster(kube_api: KubeApi, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    ns = kube_api.namespace()
    client = kube_api.api_client()
    live = load("seed/live.yaml")[0]
    live["metadata"]["namespace"] = ns
    _create(client, f"/apis/apps/v1/namespaces/{ns}/daemonsets", live)
    _create(client, "/apis/storage.k8s.io/v1/storageclasses",
            {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": f"fast-{ns}"},
             "provisioner": "example.com/disk", "allowVolumeExpansion": True})
    assert fetch_storage_classes(client).get(f"fast-{ns}") is True
    monkeypatch.setenv("KUBECONFIG", str(kube_api.kubeconfig))
    seed = DATA / "seed"
    args = ["check", "upgrade", "x", "-n", ns, "--cluster", "--kube-version", "1.19", "--helm-version", "3.17.3",
            "--manifest", str(seed / "chart-1.3.0.yaml"), "--current-manifest", str(seed / "revision-2.yaml"),
            "-o", "json"]
    assert main(args) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["check"]["live"] == "supplied"
    assert data["check"]["fixes"][0]["selector"] == live["spec"]["selector"]
    assert any("read from the cluster" in note for note in data["notes"])
    # The fix, applied to the chart's render, passes against the same live object; the snippet says the same.
    import yaml

    from kubehop.check import Operation, apply_selector_fixes, run_check
    from kubehop.check.session import CheckRequest, execute

    outcome = execute(CheckRequest(operation=Operation.UPGRADE, release="x", namespace=ns, cluster=True,
                                   kube_version="1.19", helm_version="3.17.3",
                                   manifest=str(seed / "chart-1.3.0.yaml"),
                                   current_manifest=str(seed / "revision-2.yaml")))
    repaired = apply_selector_fixes(load("seed/chart-1.3.0.yaml"), outcome.report.fixes, ns)
    snippet = yaml.safe_load(data["check"]["fixes"][0]["snippet"])
    assert snippet["spec"]["selector"] == repaired[0]["spec"]["selector"]
    assert not run_check(repaired, load("seed/revision-2.yaml"), [live], outcome.context).rejected


def test_rollback_fully_online_secret_storage_and_live_objects(kube_api: KubeApi,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from kubehop.helm.storage.kube import KubeStorage
    from tests.helm.factories import helm3_release

    ns = kube_api.namespace()
    client = kube_api.api_client()
    store = KubeStorage(client, kind="Secret", helm_major=3)
    seed = DATA / "seed"
    fixed = (seed / "revision-2.yaml").read_text().replace(
        "spec:\n  template:", "spec:\n  selector:\n    matchLabels: {app: x, chart: x-1.2.3, heritage: Tiller, "
        "release: x}\n  template:")
    for version, status, manifest in ((1, "superseded", (seed / "revision-1.yaml").read_text()),
                                      (2, "superseded", (seed / "revision-2.yaml").read_text()),
                                      (3, "deployed", fixed)):
        store.create(helm3_release(name="x", namespace=ns, version=version, status=status, manifest=manifest))
    live = load("seed/live.yaml")[0]
    live["metadata"]["namespace"] = ns
    _create(client, f"/apis/apps/v1/namespaces/{ns}/daemonsets", live)
    args = ["check", "rollback", "x", "--to-revision", "2", "-n", ns, "--storage", "secret", "--cluster",
            "--kubeconfig", str(kube_api.kubeconfig), "--helm-version", "3.17.3"]
    assert main(args) == 3
    out = capsys.readouterr().out
    assert 'Error: cannot patch "x" with kind DaemonSet' in out and '"null": field is immutable]' in out
    assert main([*args[:3], "--to-revision", "3", *args[5:], "-o", "json"]) == 0
    check = json.loads(capsys.readouterr().out)["check"]
    assert check["kubeVersion"] and check["live"] == "supplied"  # GET /version and the live DaemonSet
