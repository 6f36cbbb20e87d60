"""Validation at the target: kubernetes-validate schemas from 1.25 on, and kubehop's own checks."""

from __future__ import annotations

from kubehop.convert.validate import validate_object
from kubehop.model import KubeVersion

INGRESS_V1 = {
    "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"},
    "spec": {"rules": [{"http": {"paths": [{"path": "/", "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]},
}


def test_the_target_schema_is_used_from_1_25_and_finds_a_missing_path_type() -> None:
    result = validate_object(INGRESS_V1, KubeVersion(1, 29))
    assert result.schema_version == "1.29"
    assert "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified" in result.problems
    assert any("'pathType' is a required property" in p for p in result.problems)


def test_older_targets_use_the_1_25_schema_while_the_version_is_still_served() -> None:
    assert validate_object(INGRESS_V1, KubeVersion(1, 19)).schema_version == "1.25"
    beta = {"apiVersion": "networking.k8s.io/v1beta1", "kind": "Ingress", "metadata": {"name": "i"},
            "spec": {"rules": [{"http": {"paths": [{"path": "/", "backend": {"serviceName": "s"}}]}}]}}
    result = validate_object(beta, KubeVersion(1, 19))
    assert result.schema_version == ""  # not served by 1.25: own checks only
    assert result.problems == ("spec.rules[0].http.paths[0].backend: serviceName and servicePort are required",)


def test_strict_schemas_reject_fields_the_target_does_not_have() -> None:
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"rollbackTo": {"revision": 1}, "selector": {"matchLabels": {"a": "b"}},
                 "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c"}]}}},
    }
    problems = validate_object(deployment, KubeVersion(1, 25)).problems
    assert any("rollbackTo" in p for p in problems)


def test_custom_resources_without_a_schema_are_valid() -> None:
    assert validate_object({"apiVersion": "example.com/v1", "kind": "Widget"}, KubeVersion(1, 30)).valid
