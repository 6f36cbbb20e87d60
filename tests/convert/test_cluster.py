"""Live selectors read from a real HTTP API server (the kmock cluster of tests/fixtures/kube_cluster.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.cluster.client import api_client
from kubehop.cluster.live import ClusterReader
from kubehop.convert.cluster import fetch_live, workloads_needing_a_selector
from tests.fixtures.kube_cluster import KubeCluster

MANIFEST = """apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web, chart: web-2.0.0}
    spec:
      containers: [{name: web, image: "web:2"}]
---
apiVersion: extensions/v1beta1
kind: DaemonSet
metadata: {name: fresh}
spec:
  template:
    metadata:
      labels: {app: fresh}
    spec:
      containers: [{name: c, image: "c:1"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: has-one, namespace: shop}
spec:
  selector: {matchLabels: {app: x}}
  template: {metadata: {labels: {app: x}}}
"""


def test_only_workloads_without_a_selector_are_looked_up() -> None:
    import yaml

    keys = workloads_needing_a_selector(list(yaml.safe_load_all(MANIFEST)))
    assert keys == [("Deployment", "shop", "web"), ("DaemonSet", "", "fresh")]


def test_typed_list_items_without_kind_are_workloads_too() -> None:
    from kubehop.convert.live import index_live

    typed = {"apiVersion": "extensions/v1beta1", "kind": "DeploymentList", "items": [
        {"metadata": {"name": "web", "namespace": "shop"}, "spec": {"template": {}}},
        {"metadata": {"name": "ok", "namespace": "shop"}, "spec": {"selector": {"matchLabels": {"a": "b"}}}}]}
    assert workloads_needing_a_selector([typed]) == [("Deployment", "shop", "web")]
    assert sorted(index_live([typed])) == [("Deployment", "shop", "ok"), ("Deployment", "shop", "web")]


def test_fetch_live_reads_existing_workloads_and_skips_missing_ones(kube_cluster: KubeCluster) -> None:
    reader = ClusterReader(api_client(str(kube_cluster.kubeconfig), None), "prod")
    found = fetch_live(reader, [("Deployment", "shop", "web"), ("DaemonSet", "", "fresh")], "shop")
    assert list(found) == [("Deployment", "shop", "web")]
    assert found[("Deployment", "shop", "web")]["spec"]["selector"] == {"matchLabels": {"app": "web"}}


def test_cli_uses_the_cluster_selector(
    kube_cluster: KubeCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "app.yaml"
    manifest.write_text(MANIFEST)
    code = main(["convert", str(manifest), "-t", "1.22", "--cluster", "--kubeconfig", str(kube_cluster.kubeconfig),
                 "-n", "shop"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "  selector:\n    matchLabels:\n      app: web\n  template:" in out  # not chart: web-2.0.0
    assert "Deployment shop/web: info: spec.selector copied from the live object" in err
    assert "DaemonSet fresh: decision: spec.selector set to the template labels" in err


def test_an_unreachable_cluster_is_an_error_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "app.yaml"
    manifest.write_text(MANIFEST)
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{name: c, cluster: {server: 'http://127.0.0.1:9'}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {token: t}}]\n"
    )
    code = main(["convert", str(manifest), "-t", "1.22", "--cluster", "--kubeconfig", str(kubeconfig), "--write"])
    assert code == 1
    assert "cannot reach the API server" in capsys.readouterr().err
    assert manifest.read_text() == MANIFEST
