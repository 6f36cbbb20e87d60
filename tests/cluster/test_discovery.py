"""Which resources a cluster scan lists, from discovery documents and the lifecycle (sans-IO)."""

from __future__ import annotations

from kubehop.cluster.discovery import (
    GroupVersions,
    ServedResource,
    groups_to_discover,
    parse_groups,
    parse_resources,
    plan_lists,
    wanted_kinds,
)
from kubehop.lifecycle import Lifecycle
from kubehop.model import KubeVersion

LIST = frozenset({"get", "list"})


def test_parse_groups_puts_the_preferred_version_first() -> None:
    groups = parse_groups({"versions": ["v1"]}, {"groups": [
        {"name": "policy", "versions": [{"version": "v1beta1"}, {"version": "v1"}],
         "preferredVersion": {"version": "v1"}}]})
    assert groups == [GroupVersions("", ("v1",)), GroupVersions("policy", ("v1", "v1beta1"))]


def test_parse_resources_leaves_out_subresources() -> None:
    doc = {"resources": [{"name": "deployments", "kind": "Deployment", "namespaced": True, "verbs": ["list"]},
                         {"name": "deployments/status", "kind": "Deployment", "verbs": ["get"]}]}
    assert [r.resource for r in parse_resources(doc, "apps", "v1")] == ["deployments"]


def test_wanted_kinds_span_old_and_replacement_groups() -> None:
    wanted = wanted_kinds(Lifecycle.default(), KubeVersion(1, 22))
    assert wanted["Ingress"] == {"extensions", "networking.k8s.io"}
    assert {"extensions", "apps"} <= wanted["Deployment"]
    assert "Secret" not in wanted  # nothing about Secrets changes: never listed
    # Nothing deprecated or removed yet at 1.8 for these: not listed at all.
    assert "CronJob" not in wanted_kinds(Lifecycle.default(), KubeVersion(1, 8))


def test_plan_prefers_current_versions_and_skips_create_only_resources() -> None:
    groups = [GroupVersions("networking.k8s.io", ("v1", "v1beta1")), GroupVersions("extensions", ("v1beta1",)),
              GroupVersions("authorization.k8s.io", ("v1",))]
    served = [
        ServedResource("extensions", "v1beta1", "ingresses", "Ingress", True, LIST),
        ServedResource("networking.k8s.io", "v1beta1", "ingresses", "Ingress", True, LIST),
        ServedResource("networking.k8s.io", "v1", "ingresses", "Ingress", True, LIST),
        ServedResource("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", False,
                       frozenset({"create"})),
    ]
    lifecycle = Lifecycle.default()
    wanted = wanted_kinds(lifecycle, KubeVersion(1, 22))
    assert ("authorization.k8s.io", "v1") in groups_to_discover(groups, wanted)
    planned = plan_lists(groups, served, wanted, lifecycle)
    assert [(r.group, r.version) for r in planned] == [("networking.k8s.io", "v1"), ("extensions", "v1beta1")]
    assert planned[0].collection_path("shop") == "/apis/networking.k8s.io/v1/namespaces/shop/ingresses"
    assert planned[0].collection_path(None) == "/apis/networking.k8s.io/v1/ingresses"
