from __future__ import annotations

from kubehop.check import Operation
from kubehop.model import Severity
from tests.check.helpers import check, ctx, detail, rules_of

DEPLOY_NO_SELECTOR = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web, release: prod}}
"""
DEPLOY_SELECTOR = DEPLOY_NO_SELECTOR.replace("spec:\n  template:", "spec:\n  selector:\n    matchLabels: {app: web, release: prod}\n  template:")
LIVE = DEPLOY_SELECTOR.replace("metadata: {name: web}", "metadata: {name: web, namespace: default}")


def test_rollback_of_a_deployment_to_a_selectorless_revision_lists_all_three_errors() -> None:
    report = check(DEPLOY_NO_SELECTOR, DEPLOY_SELECTOR, LIVE, ctx(Operation.ROLLBACK, target_revision=1))
    assert rules_of(report, "removed") == ["selector-missing"]
    assert detail(report, "selector-missing", "error") == (
        'Error: cannot patch "web" with kind Deployment: Deployment.apps "web" is invalid: [spec.selector: Required '
        'value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "release":"prod"}: '
        '`selector` does not match template `labels`, spec.selector: Invalid value: "null": field is immutable]'
    )


def test_create_without_selector_is_required_and_mismatch() -> None:
    report = check(DEPLOY_NO_SELECTOR, "", [], ctx())
    assert detail(report, "selector-missing", "error").endswith(
        'failed to create resource: Deployment.apps "web" is invalid: [spec.selector: Required value, '
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "release":"prod"}: '
        '`selector` does not match template `labels`]')


def test_patch_that_keeps_the_live_selector_is_only_a_warning() -> None:
    report = check(DEPLOY_NO_SELECTOR, DEPLOY_NO_SELECTOR, LIVE, ctx())
    assert not report.rejected
    [finding] = [f for f in report.findings if f.rule_id == "selector-missing"]
    assert finding.severity is Severity.WARNING
    assert report.fixes and report.fixes[0].selector == {"matchLabels": {"app": "web", "release": "prod"}}


def test_old_defaulting_api_is_not_flagged_and_a_selector_passes() -> None:
    old_api = DEPLOY_NO_SELECTOR.replace("apps/v1", "extensions/v1beta1")
    assert "selector-missing" not in rules_of(check(old_api, old_api, LIVE, ctx()))
    assert rules_of(check(DEPLOY_SELECTOR, DEPLOY_SELECTOR, LIVE, ctx())) == []
