from __future__ import annotations

from tests.check.helpers import check, ctx, detail, rules_of

LIVE = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  selector: {matchLabels: {app: web, chart: web-1.0.0, release: prod}}
  template: {metadata: {labels: {app: web, chart: web-1.0.0, release: prod}}}
"""
CURRENT = LIVE.replace("  selector: {matchLabels: {app: web, chart: web-1.0.0, release: prod}}\n", "")
SUBSET = CURRENT.replace("spec:\n", "spec:\n  selector: {matchLabels: {app: web, release: prod}}\n")
NEW_SCHEME = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: prod}}
  template: {metadata: {labels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: prod}}}
"""


def test_subset_selector_passes_as_patch_but_fails_with_force() -> None:
    assert not check(SUBSET, CURRENT, LIVE, ctx()).rejected  # reference 5.3 case B, PATCH
    report = check(SUBSET, CURRENT, LIVE, ctx(force=True))
    assert rules_of(report, "removed") == ["selector-changed"]
    assert detail(report, "selector-changed", "error") == (
        'Error: UPGRADE FAILED: failed to replace object: Deployment.apps "web" is invalid: spec.selector: '
        'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "release":"prod"}, '
        'MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'
    )


def test_new_label_scheme_merges_into_a_union_and_fails_with_both_errors() -> None:
    report = check(NEW_SCHEME, CURRENT, LIVE, ctx())  # reference 5.3 case D
    assert sorted(rules_of(report, "removed")) == ["selector-changed", "selector-template-mismatch"]
    error = detail(report, "selector-changed", "error")
    assert error.count("field is immutable") == 1 and "`selector` does not match template `labels`" in error
    assert error.index("does not match") < error.index("field is immutable")


def test_selector_is_mutable_through_extensions_v1beta1() -> None:
    old = NEW_SCHEME.replace("apps/v1", "extensions/v1beta1")
    assert "selector-changed" not in rules_of(check(old, CURRENT, LIVE, ctx(force=True)))
