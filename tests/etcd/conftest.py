"""Kubernetes-style data written into the real session etcd cluster, and snapshots taken through etcdctl."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.etcd import k8s_values as kv
from tests.fixtures.etcd import EtcdBinaries, EtcdCluster

OLD_PASSWORD = b"pa55-before-rotation"
NEW_PASSWORD = b"pa55-after-rotation"


@dataclass(frozen=True)
class Snapshots:
    old: Path  # before the changes
    new: Path  # after: Secret rotated, Secret added, ConfigMap changed, ConfigMap deleted
    old_revision: int
    new_revision: int


def save_snapshot(etcdctl: list[str], cluster: EtcdCluster, path: Path) -> Path:
    flags = cluster.connection_flags(cluster.members[0].client_url)
    subprocess.run([*etcdctl, *flags, "snapshot", "save", str(path)], check=True, capture_output=True,
                   env={"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"})
    return path


def write_cluster_objects(cluster: EtcdCluster) -> int:
    puts = [
        (b"/registry/namespaces/default", kv.typed("v1", "Namespace", "default")),
        (b"/registry/secrets/default/db-password", kv.secret("db-password", "default", {"password": OLD_PASSWORD})),
        (b"/registry/secrets/kube-system/encrypted-token", kv.encrypted()),
        (b"/registry/secrets/default/json-secret",
         kv.json_object("v1", "Secret", "json-secret", "default", data={"token": "b2xkLXRva2Vu"})),
        (b"/registry/configmaps/default/app-config", kv.config_map("app-config", "default", {"mode": "blue"})),
        (b"/registry/configmaps/default/to-delete", kv.config_map("to-delete", "default", {"x": "1"})),
        (b"/registry/deployments/default/web", kv.typed("apps/v1", "Deployment", "web", "default", 300)),
        (b"/registry/deployments/legacy/old-web",
         kv.typed("extensions/v1beta1", "Deployment", "old-web", "legacy", 200)),
        (b"/registry/ingress/default/site", kv.typed("networking.k8s.io/v1beta1", "Ingress", "site", "default")),
        (b"/registry/services/specs/default/kubernetes", kv.typed("v1", "Service", "kubernetes", "default")),
        (b"/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com",
         kv.json_object("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "crontabs.stable.example.com")),
        (b"/registry/stable.example.com/crontabs/default/my-cron",
         kv.json_object("stable.example.com/v1", "CronTab", "my-cron", "default", spec={"cron": "* * * * */5"})),
        (b"compact_rev_key", b"3"),
    ]
    cluster.txn(puts=puts)
    # some history: overwritten and deleted keys leave older revisions and tombstones behind
    cluster.put(b"/registry/configmaps/default/app-config", kv.config_map("app-config", "default", {"mode": "green"}))
    cluster.put(b"/registry/pods/default/gone", kv.typed("v1", "Pod", "gone", "default"))
    return cluster.delete(b"/registry/pods/default/gone")


def change_cluster_objects(cluster: EtcdCluster) -> int:
    cluster.put(b"/registry/secrets/default/db-password", kv.secret("db-password", "default", {"password": NEW_PASSWORD}))
    cluster.put(b"/registry/secrets/default/added-later", kv.secret("added-later", "default", {"k": b"v"}))
    cluster.put(b"/registry/configmaps/default/app-config", kv.config_map("app-config", "default", {"mode": "red"}))
    cluster.put(b"/registry/secrets/kube-system/encrypted-token", kv.encrypted())
    return cluster.delete(b"/registry/configmaps/default/to-delete")


@pytest.fixture(scope="session")
def k8s_snapshots(etcd_cluster: EtcdCluster, etcd_binaries: EtcdBinaries,
                  tmp_path_factory: pytest.TempPathFactory) -> Snapshots:
    root = tmp_path_factory.mktemp("k8s-snapshots")
    old_rev = write_cluster_objects(etcd_cluster)
    old = save_snapshot(list(etcd_binaries.etcdctl35.argv), etcd_cluster, root / "old.db")
    new_rev = change_cluster_objects(etcd_cluster)
    new = save_snapshot(list(etcd_binaries.etcdctl35.argv), etcd_cluster, root / "new.db")
    return Snapshots(old, new, old_rev, new_rev)


@pytest.fixture(scope="session")
def bulk_snapshot(k8s_snapshots: Snapshots, etcd_cluster: EtcdCluster, etcd_binaries: EtcdBinaries,
                  tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot big enough for branch pages, overflow pages and a non-inline `key` bucket."""
    for batch in range(4):
        etcd_cluster.txn(puts=[(f"/registry/configmaps/bulk-{batch}/cm-{i:04d}".encode(),
                                kv.config_map(f"cm-{i:04d}", f"bulk-{batch}", {"v": "x" * (i % 300)}))
                               for i in range(500)])
    etcd_cluster.txn(puts=[(f"/registry/secrets/bulk/big-{i}".encode(),
                            kv.secret(f"big-{i}", "bulk", {"blob": bytes(20000 + i)})) for i in range(5)])
    etcd_cluster.txn(deletes=[f"/registry/configmaps/bulk-0/cm-{i:04d}".encode() for i in range(0, 500, 7)])
    return save_snapshot(list(etcd_binaries.etcdctl35.argv), etcd_cluster,
                         tmp_path_factory.mktemp("bulk") / "bulk.db")


@pytest.fixture(scope="session")
def tls_snapshot(etcd_tls_cluster: EtcdCluster, etcd_binaries: EtcdBinaries,
                 tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot of the etcd 3.4 TLS cluster, saved by etcdctl 3.4."""
    etcd_tls_cluster.txn(puts=[(f"/registry/secrets/tls/s{i}".encode(),
                                kv.secret(f"s{i}", "tls", {"k": b"v" * i})) for i in range(50)])
    return save_snapshot(list(etcd_binaries.etcdctl34.argv), etcd_tls_cluster,
                         tmp_path_factory.mktemp("tls") / "tls.db")
