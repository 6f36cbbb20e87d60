from __future__ import annotations

from kubehop.model import Severity
from tests.helpers import scan, tags

DS = """apiVersion: extensions/v1beta1
kind: DaemonSet
metadata: {name: image-manager-init-certs}
spec:
  template:
    metadata:
      labels: {app: init-certs, chart: image-manager-3.3.2001, release: im}
"""


def test_selector_missing_names_defaulted_selector_and_volatile_labels() -> None:
    findings = scan(DS, "1.19", only=["missing-selector"])
    assert tags(findings) == [(1, "missing-selector[DaemonSet/image-manager-init-certs]")]
    f = findings[0]
    assert f.severity is Severity.REMOVED
    assert f.detail("selector") == "app=init-certs, chart=image-manager-3.3.2001, release=im"
    assert f.detail("volatile_labels") == "chart"


def test_selector_present_passes() -> None:
    fixed = DS.replace("spec:\n", "spec:\n  selector:\n    matchLabels: {app: init-certs}\n", 1)
    assert scan(fixed, "1.19", only=["missing-selector"]) == []


def test_deprecated_only_is_a_warning() -> None:
    findings = scan(DS, "1.9", only=["missing-selector"])
    assert [f.severity for f in findings] == [Severity.WARNING]


def test_apps_v1beta2_requires_selector() -> None:
    text = "apiVersion: apps/v1beta2\nkind: Deployment\nmetadata: {name: w}\nspec: {template: {metadata: {labels: {a: b}}}}\n"
    findings = scan(text, "1.16", only=["missing-selector"])
    assert len(findings) == 1 and "require" in findings[0].message


def test_apps_v1_is_not_an_old_api() -> None:
    assert scan("apiVersion: apps/v1\nkind: Deployment\nspec: {}\n", "1.19", only=["missing-selector"]) == []
