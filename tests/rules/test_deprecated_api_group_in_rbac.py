from __future__ import annotations

from tests.helpers import scan, tags

ROLE = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops}
rules:
  - apiGroups: ["extensions"]
    resources: ["ingresses", "deployments/scale"]
    verbs: ["get"]
  - apiGroups: ["apps", "networking.k8s.io", "*"]
    resources: ["deployments", "ingresses", "*"]
    verbs: ["get"]
  - apiGroups: ["policy"]
    resources: ["podsecuritypolicies"]
    verbs: ["use"]
"""


def test_grants_on_unserved_group_resources() -> None:
    assert tags(scan(ROLE, "1.22")) == [
        (1, "deprecated-api-group-in-rbac[extensions/ingresses]"),
        (1, "deprecated-api-group-in-rbac[extensions/deployments/scale]"),
    ]


def test_message_names_the_replacement_group() -> None:
    f = scan(ROLE, "1.22")[0]
    assert "networking.k8s.io" in f.message and f.detail("rule_index") == "0"


def test_only_what_is_removed_at_the_target() -> None:
    assert tags(scan(ROLE, "1.15")) == []
    assert tags(scan(ROLE, "1.21")) == [(1, "deprecated-api-group-in-rbac[extensions/deployments/scale]")]


def test_resource_without_replacement() -> None:
    found = tags(scan(ROLE, "1.25"))
    assert (1, "deprecated-api-group-in-rbac[policy/podsecuritypolicies]") in found


def test_group_still_serving_resource_at_newer_version() -> None:
    role = ROLE.replace('["extensions"]', '["apps"]')
    assert all("apps/" not in tag for _, tag in tags(scan(role, "1.22")))
