"""Scanning a live cluster over real HTTP with the official client (kmock emulator, context `prod`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubehop.cluster.discovery import ServedResource
from kubehop.cluster.live import METADATA_ONLY, ClusterReader
from kubehop.cluster.scan import ClusterScanOptions, open_cluster, scan_cluster, server_version_of
from kubehop.errors import ClusterError, ResourceForbiddenError
from kubehop.lifecycle import Lifecycle
from kubehop.model import Finding, KubeVersion, Severity
from kubehop.scan import Scanner, ScanOptions
from tests.fixtures.kube_api import write_kubeconfig
from tests.fixtures.kube_cluster import KubeCluster
from tests.fixtures.kube_cluster_seed import SECRET_CANARY, SECRET_CANARY_B64

DATA = Path(__file__).resolve().parents[1] / "data"
ROLES = ServedResource("rbac.authorization.k8s.io", "v1", "roles", "Role", True, frozenset({"list"}))


def reader(cluster: KubeCluster, chunk_size: int = 500) -> ClusterReader:
    return open_cluster(str(cluster.kubeconfig), None, chunk_size)


def scan(cluster: KubeCluster, target: str = "1.22", *, namespace: str | None = None,
         annotations: tuple[str, ...] = (), lifecycle: Lifecycle | None = None,
         chunk_size: int = 500) -> tuple[list[Finding], Scanner]:
    scanner = Scanner(ScanOptions(KubeVersion.parse(target), lifecycle or Lifecycle.default()))
    findings = list(scan_cluster(reader(cluster, chunk_size), scanner, ClusterScanOptions(namespace, annotations)))
    return findings, scanner


def rows(findings: list[Finding]) -> set[tuple[str, str, str, str]]:
    return {(f.location.path, f.rule_id, f.api_version, str(f.severity)) for f in findings}


def test_server_version_and_context_name(kube_cluster: KubeCluster) -> None:
    live = reader(kube_cluster)
    assert live.context == "prod"
    assert server_version_of(live) == KubeVersion(1, 21, 14)


def test_evidence_from_annotations_and_managed_fields(kube_cluster: KubeCluster) -> None:
    findings, scanner = scan(kube_cluster, namespace="shop")
    assert rows(findings) == {
        ("cluster:prod/shop/deployments.apps/web#last-applied", "removed-api", "extensions/v1beta1", "removed"),
        ("cluster:prod/shop/deployments.apps/web#last-applied", "missing-selector", "extensions/v1beta1",
         "removed"),
        # Listed through networking.k8s.io/v1 and extensions/v1beta1: one object, reported once.
        ("cluster:prod/shop/ingresses.networking.k8s.io/web#last-applied", "removed-api", "extensions/v1beta1",
         "removed"),
        # Only an operator's managedFields entry shows batch/v1beta1.
        ("cluster:prod/shop/cronjobs.batch/nightly-backup#managedFields:backup-operator", "deprecated-api",
         "batch/v1beta1", "deprecated"),
        # kapp wrote it through extensions/v1beta1; without --annotation, its managedFields entry says so.
        ("cluster:prod/shop/networkpolicies.networking.k8s.io/deny-all#managedFields:kapp", "removed-api",
         "extensions/v1beta1", "removed"),
        # Edited at apps/v1 after the apps/v1beta2 apply: reported, but only as a warning.
        ("cluster:prod/shop/daemonsets.apps/agent#last-applied:possibly-stale", "removed-api", "apps/v1beta2",
         "warning"),
    }
    cron = next(f for f in findings if f.kind == "CronJob")
    assert cron.detail("evidence") == "managedFields:backup-operator"
    assert cron.detail("managedFields:backup-operator") == "Update 2021-08-30T02:00:00Z"
    assert cron.detail("servedAs") == "batch/v1" and cron.namespace == "shop" and cron.name == "nightly-backup"
    stale = next(f for f in findings if f.kind == "DaemonSet")
    assert "possibly stale annotation: kubectl-edit wrote it later" in stale.message
    # The ControllerRevision's copy of its DaemonSet's annotation is not taken for a DaemonSet.
    assert not any(f.kind == "ControllerRevision" or "agent-7d9f8c6b5" in f.location.path for f in findings)
    assert any("agent-7d9f8c6b5: last-applied describes a DaemonSet, not this ControllerRevision" in n
               for n in scanner.stats.notes)
    assert "namespace shop only: cluster-scoped resources were not scanned" in scanner.stats.notes


def test_namespace_filter_and_cluster_scoped_objects(kube_cluster: KubeCluster) -> None:
    only_other, _ = scan(kube_cluster, namespace="other")
    assert rows(only_other) == {("cluster:prod/other/poddisruptionbudgets.policy/web#last-applied",
                                 "deprecated-api", "policy/v1beta1", "deprecated")}
    assert all("/namespaces/other/" in r["path"] for r in kube_cluster.emulator.cluster_lists[-8:])
    everything, scanner = scan(kube_cluster)
    paths = {f.location.path for f in everything}
    assert "cluster:prod/clusterroles.rbac.authorization.k8s.io/legacy-reader#last-applied" in paths
    assert "cluster:prod/customresourcedefinitions.apiextensions.k8s.io/widgets.example.com#last-applied" in paths
    assert {f.namespace for f in everything} == {"", "shop", "other", "bulk"}
    assert any("other/broken: last-applied is not valid JSON" in n for n in scanner.stats.notes)


def test_extra_annotation(kube_cluster: KubeCluster) -> None:
    findings, _ = scan(kube_cluster, namespace="shop", annotations=("kapp.k14s.io/original",))
    (netpol,) = [f for f in findings if f.kind == "NetworkPolicy"]
    assert netpol.location.path == ("cluster:prod/shop/networkpolicies.networking.k8s.io/deny-all"
                                    "#annotation:kapp.k14s.io/original")
    assert netpol.api_version == "extensions/v1beta1" and netpol.severity is Severity.REMOVED
    # kapp's managedFields entry is the write that set the annotation: it corroborates, it is not counted twice.
    assert netpol.detail("evidence") == "annotation:kapp.k14s.io/original"
    assert netpol.detail("writer:annotation:kapp.k14s.io/original") == "kapp Update 2019-02-01T00:00:00Z"


def test_pagination_follows_continue_tokens(kube_cluster: KubeCluster) -> None:
    before = len(kube_cluster.lists_of("roles"))
    listed = list(reader(kube_cluster, chunk_size=5).list_objects(ROLES, "bulk"))
    assert [o["metadata"]["name"] for o in listed] == [f"reader-{i:02d}" for i in range(12)]
    pages = kube_cluster.lists_of("roles")[before:]
    assert [(p["limit"], p.get("continue", "")) for p in pages] == [("5", ""), ("5", "NQ=="), ("5", "MTA=")]
    findings, _ = scan(kube_cluster, namespace="bulk", chunk_size=5)
    assert len(findings) == 12 and {f.rule_id for f in findings} == {"removed-api"}


def test_lists_ask_for_metadata_only(kube_cluster: KubeCluster) -> None:
    before = len(kube_cluster.emulator.cluster_lists)  # other tests' lists (Helm release storage) are not scans
    scan(kube_cluster, namespace="shop")
    assert kube_cluster.emulator.cluster_lists[before:]
    assert all(r["accept"] == METADATA_ONLY for r in kube_cluster.emulator.cluster_lists[before:])


def test_secrets_are_listed_without_data_and_never_printed(kube_cluster: KubeCluster) -> None:
    # A lifecycle row on v1 Secret makes Secrets part of the scan.
    lifecycle = Lifecycle.load([DATA / "lifecycle-secret.yaml"])
    findings, _ = scan(kube_cluster, namespace="shop", lifecycle=lifecycle)
    (secret,) = [f for f in findings if f.kind == "Secret"]
    assert secret.location.path == "cluster:prod/shop/secrets/db-credentials#last-applied"
    text = json.dumps([repr(f) for f in findings])
    assert SECRET_CANARY not in text and SECRET_CANARY_B64 not in text
    secret_lists = kube_cluster.lists_of("secrets")
    assert secret_lists and all(r["accept"] == METADATA_ONLY for r in secret_lists)


def test_forbidden_resource_is_a_note_and_the_rest_is_scanned(kube_cluster: KubeCluster) -> None:
    psp = ServedResource("policy", "v1beta1", "podsecuritypolicies", "PodSecurityPolicy", False, frozenset({"list"}))
    with pytest.raises(ResourceForbiddenError, match=r"context prod: list podsecuritypolicies.policy: 403"):
        list(reader(kube_cluster).list_objects(psp, None))
    findings, scanner = scan(kube_cluster)
    assert findings
    (note,) = [n for n in scanner.stats.notes if "podsecuritypolicies" in n]
    assert note.startswith("skipped podsecuritypolicies.policy: context prod: list podsecuritypolicies.policy: "
                           "403 Forbidden")


def test_unreachable_server_names_the_context(tmp_path: Path) -> None:
    config = write_kubeconfig(tmp_path / "config", "http://127.0.0.1:9")
    live = open_cluster(str(config), "kmock", 10)
    with pytest.raises(ClusterError, match=r"context kmock: cannot reach the API server \(discovery\)"):
        list(scan_cluster(live, Scanner(ScanOptions(KubeVersion(1, 22), Lifecycle.default())),
                          ClusterScanOptions()))


def test_expired_continue_token_restarts_the_list_once(kube_cluster: KubeCluster) -> None:
    kube_cluster.emulator.expire_continue.add("roles")
    before = len(kube_cluster.lists_of("roles"))
    findings, _ = scan(kube_cluster, namespace="bulk", chunk_size=5)
    pages = [p.get("continue", "") for p in kube_cluster.lists_of("roles")[before:]]
    assert pages == ["", "NQ==", "", "NQ==", "MTA="]  # the 410 on the 2nd page started a fresh list
    assert sorted(f.name for f in findings) == [f"reader-{i:02d}" for i in range(12)]  # each object once


def test_discovery_failure_of_one_group_is_a_note(kube_cluster: KubeCluster) -> None:
    findings, scanner = scan(kube_cluster)
    assert findings
    assert any(n.startswith("skipped flowcontrol.apiserver.k8s.io/v1beta1: context prod: discovery of "
                            "/apis/flowcontrol.apiserver.k8s.io/v1beta1: the API server answered 503")
               for n in scanner.stats.notes)


def test_objects_of_a_kind_the_target_drops_are_found_without_evidence(kube_cluster: KubeCluster) -> None:
    kube_cluster.emulator.forbidden.discard("podsecuritypolicies.policy")
    try:
        findings, _ = scan(kube_cluster, "1.25")
        earlier, _ = scan(kube_cluster, "1.22")
    finally:
        kube_cluster.emulator.forbidden.add("podsecuritypolicies.policy")
    (psp,) = [f for f in findings if f.kind == "PodSecurityPolicy"]
    assert psp.location.path == "cluster:prod/podsecuritypolicies.policy/restricted#served"
    assert (psp.rule_id, psp.api_version, psp.replacement) == ("removed-api", "policy/v1beta1", "")
    assert psp.detail("served") == "the cluster serves PodSecurityPolicy only through policy/v1beta1"
    # Deprecated is not gone: the served version alone is no evidence then (no kubepug-style noise).
    assert not any(f.kind == "PodSecurityPolicy" for f in earlier)
