"""How a live object's metadata turns into evidence of the apiVersions it was written with (sans-IO)."""

from __future__ import annotations

import json
from typing import Any

from kubehop.cluster.evidence import LAST_APPLIED, LiveRef, iter_items, object_evidence
from tests.fixtures.kube_cluster_seed import SECRET_CANARY, SECRET_CANARY_B64, applied, fields


def obj(annotations: dict[str, str] | None = None, managed: list[dict[str, Any]] | None = None,
        generation: int = 1) -> dict[str, Any]:
    return {"metadata": {"name": "web", "namespace": "shop", "generation": generation,
                         "annotations": annotations or {}, "managedFields": managed or []}}


def test_fresh_last_applied_is_one_evidence_with_its_writer() -> None:
    found = object_evidence(obj(
        {LAST_APPLIED: applied("extensions/v1beta1", "Deployment", "web", "shop", spec={"replicas": 1})},
        [fields("kubectl-client-side-apply", "Update", "extensions/v1beta1", "2019-01-01T00:00:00Z",
                annotation=LAST_APPLIED),
         fields("kube-controller-manager", "Update", "apps/v1", "2022-01-01T00:00:00Z", subresource="status")]),
        "Deployment")
    (old,) = found.evidence
    assert (old.api_version, old.sources, old.stale) == ("extensions/v1beta1", ("last-applied",), "")
    assert old.body["spec"] == {"replicas": 1} and old.body["metadata"]["namespace"] == "shop"
    assert dict(old.details)["writer:last-applied"] == "kubectl-client-side-apply Update 2019-01-01T00:00:00Z"
    assert dict(old.details)["freshness:last-applied"].startswith("fresh")
    # The controller's status write is no evidence: the control plane is upgraded with the cluster.
    assert found.evidence == (old,)


def test_later_write_by_another_manager_makes_the_annotation_possibly_stale() -> None:
    found = object_evidence(obj(
        {LAST_APPLIED: applied("apps/v1beta2", "DaemonSet", "web", "shop")},
        [fields("kubectl-client-side-apply", "Update", "apps/v1beta2", "2018-01-01T00:00:00Z", annotation=LAST_APPLIED),
         fields("kubectl-edit", "Update", "apps/v1", "2021-01-01T00:00:00Z")], generation=3), "DaemonSet")
    stale = found.evidence[0]
    assert stale.api_version == "apps/v1beta2"
    assert "kubectl-edit wrote it later" in stale.stale and "2021-01-01T00:00:00Z" in stale.stale


def test_a_status_write_after_the_apply_does_not_make_it_stale() -> None:
    found = object_evidence(obj(
        {LAST_APPLIED: applied("apps/v1beta2", "DaemonSet", "web", "shop")},
        [fields("kubectl-client-side-apply", "Update", "apps/v1beta2", "2018-01-01T00:00:00Z", annotation=LAST_APPLIED),
         fields("kube-controller-manager", "Update", "apps/v1", "2021-01-01T00:00:00Z", subresource="status")]),
        "DaemonSet")
    assert found.evidence[0].stale == ""


def test_stale_annotation_next_to_a_fresh_manager_at_the_same_version_is_not_stale() -> None:
    found = object_evidence(obj(
        {LAST_APPLIED: applied("batch/v1beta1", "CronJob", "web", "shop")},
        [fields("kubectl-client-side-apply", "Update", "batch/v1beta1", "2019-01-01T00:00:00Z", annotation=LAST_APPLIED),
         fields("backup-operator", "Update", "batch/v1beta1", "2021-01-01T00:00:00Z")]), "CronJob")
    (merged,) = found.evidence
    assert merged.sources == ("last-applied", "managedFields:backup-operator") and merged.stale == ""


def test_annotation_of_another_kind_is_ignored_with_a_reason() -> None:
    found = object_evidence(obj({LAST_APPLIED: applied("apps/v1beta2", "DaemonSet", "agent", "shop")}),
                            "ControllerRevision")
    assert found.evidence == ()
    assert found.problems == ("last-applied describes a DaemonSet, not this ControllerRevision "
                              "(copied from another object)",)


def test_unparseable_annotation_is_reported_without_its_text() -> None:
    found = object_evidence(obj({LAST_APPLIED: "{oops SECRET"}), "Role")
    assert found.problems == ("last-applied is not valid JSON",)


def test_without_managed_fields_freshness_depends_on_generation() -> None:
    text = applied("extensions/v1beta1", "Ingress", "web", "shop")
    assert dict(object_evidence(obj({LAST_APPLIED: text}), "Ingress").evidence[0].details)[
        "freshness:last-applied"] == "fresh (generation 1)"
    assert dict(object_evidence(obj({LAST_APPLIED: text}, generation=5), "Ingress").evidence[0].details)[
        "freshness:last-applied"] == "unknown (no managedFields)"


def test_extra_annotations_are_read_only_when_asked_for() -> None:
    meta = obj({"kapp.k14s.io/original": applied("extensions/v1beta1", "NetworkPolicy", "web", "shop")})
    assert object_evidence(meta, "NetworkPolicy").evidence == ()
    (found,) = object_evidence(meta, "NetworkPolicy", ("kapp.k14s.io/original",)).evidence
    assert found.sources == ("annotation:kapp.k14s.io/original",) and found.api_version == "extensions/v1beta1"


def test_secret_data_is_dropped_from_the_annotation_and_the_listed_object() -> None:
    text = applied("v1", "Secret", "db", "shop", data={"password": SECRET_CANARY_B64},
                   stringData={"token": SECRET_CANARY})
    (found,) = object_evidence(obj({LAST_APPLIED: text}), "Secret").evidence
    assert SECRET_CANARY_B64 not in json.dumps(found.body) and SECRET_CANARY not in json.dumps(found.body)
    page = {"items": [{"kind": "Secret", "metadata": {"name": "db"}, "data": {"password": SECRET_CANARY_B64},
                       "stringData": {"t": SECRET_CANARY}}]}
    assert list(iter_items(page)) == [{"kind": "Secret", "metadata": {"name": "db"}}]


def test_location_paths() -> None:
    namespaced = LiveRef("apps", "v1", "deployments", "Deployment", "shop", "web")
    assert namespaced.path("prod") == "cluster:prod/shop/deployments.apps/web"
    assert LiveRef("", "v1", "secrets", "Secret", "shop", "db").path("prod") == "cluster:prod/shop/secrets/db"
    assert LiveRef("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", "", "x").path("c") == \
        "cluster:c/clusterroles.rbac.authorization.k8s.io/x"


def test_control_plane_writes_are_not_evidence_but_other_managers_are() -> None:
    found = object_evidence(obj(managed=[
        fields("kube-controller-manager", "Update", "v1", "2025-01-01T00:00:00Z"),
        fields("my-operator", "Update", "v1", "2025-01-01T00:00:00Z")]), "Endpoints")
    assert [e.sources for e in found.evidence] == [("managedFields:my-operator",)]


def test_server_side_apply_managers_are_evidence_with_their_operation() -> None:
    (found,) = object_evidence(obj(managed=[
        fields("argocd-controller", "Apply", "networking.k8s.io/v1beta1", "2021-03-01T00:00:00Z")]),
        "Ingress").evidence
    assert found.sources == ("managedFields:argocd-controller",)
    assert dict(found.details) == {"managedFields:argocd-controller": "Apply 2021-03-01T00:00:00Z"}
    assert found.body == {"apiVersion": "networking.k8s.io/v1beta1", "kind": "Ingress",
                          "metadata": {"name": "web", "namespace": "shop"}}
