from __future__ import annotations

from tests.helpers import scan, tags

ING = "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata: {name: web, namespace: prod}\n"


def test_deprecated_but_served() -> None:
    findings = scan(ING, "1.19")
    assert tags(findings) == [(1, "deprecated-api[networking.k8s.io/v1beta1/Ingress]")]
    assert findings[0].removed_in == "1.22" and findings[0].namespace == "prod"


def test_before_deprecation_nothing() -> None:
    assert scan(ING, "1.18") == []


def test_removed_is_not_also_deprecated() -> None:
    assert tags(scan(ING, "1.22")) == [(1, "removed-api[networking.k8s.io/v1beta1/Ingress]")]
