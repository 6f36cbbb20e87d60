"""The seed's failures, reproduced: a DaemonSet created through extensions/v1beta1 without a
selector, whose defaulted selector holds `chart: x-1.2.3`; and the suggested chart change, applied,
makes each check pass."""

from __future__ import annotations

from kubehop.check import CheckContext, LiveSource, Operation, apply_selector_fixes, run_check
from kubehop.model import Severity
from tests.check.helpers import load

NS = "kube-system"
LIVE = load("seed/live.yaml")
REV1 = load("seed/revision-1.yaml")
REV2 = load("seed/revision-2.yaml")  # helm mapkubeapis: apps/v1, still no selector
NEW_CHART = load("seed/chart-1.3.0.yaml")  # chart 1.3.0 adds a subset selector, chart label moves


def upgrade_ctx(**kwargs: object) -> CheckContext:
    return CheckContext(operation=Operation.UPGRADE, release="x", namespace=NS, current_revision=2,
                        **kwargs)  # type: ignore[arg-type]


def test_upgrade_to_new_chart_is_rejected_because_the_chart_label_moves() -> None:
    report = run_check(NEW_CHART, REV2, LIVE, upgrade_ctx())
    assert report.rejected
    [finding] = [f for f in report.findings if f.severity is Severity.REMOVED]
    assert finding.rule_id == "selector-template-mismatch"
    assert (finding.kind, finding.name, finding.namespace) == ("DaemonSet", "x", NS)
    assert finding.detail("moving_labels") == "chart, heritage"
    assert finding.detail("error") == (
        'Error: UPGRADE FAILED: cannot patch "x" with kind DaemonSet: DaemonSet.apps "x" is invalid: '
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x", "chart":"x-1.3.0", '
        '"heritage":"Helm", "release":"x"}: `selector` does not match template `labels`'
    )
    assert report.helm_error == finding.detail("error")


def test_the_fix_is_the_exact_live_selector_with_frozen_labels() -> None:
    report = run_check(NEW_CHART, REV2, LIVE, upgrade_ctx(templates={"DaemonSet/x": "x/templates/daemonset.yaml"}))
    [fix] = report.fixes
    live_selector = LIVE[0]["spec"]["selector"]
    assert fix.selector == live_selector
    assert dict(fix.keep_labels) == live_selector["matchLabels"]
    assert fix.moving == ("chart", "heritage")
    assert fix.template == "x/templates/daemonset.yaml"
    assert "chart: x-1.2.3  # frozen" in fix.snippet()
    assert fix.live_source is LiveSource.SUPPLIED


def test_applying_the_fix_makes_the_upgrade_pass_with_patch_and_with_force() -> None:
    report = run_check(NEW_CHART, REV2, LIVE, upgrade_ctx())
    fixed = apply_selector_fixes(NEW_CHART, report.fixes, NS)
    assert fixed[0]["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":1.3.0")  # the rest stays
    for force in (False, True):
        again = run_check(fixed, REV2, LIVE, upgrade_ctx(force=force))
        assert not again.rejected, [f.message for f in again.findings]
        assert not again.fixes


def test_rollback_to_the_selectorless_revision_fails_as_the_seed_did() -> None:
    fixed_rev3 = apply_selector_fixes(NEW_CHART, run_check(NEW_CHART, REV2, LIVE, upgrade_ctx()).fixes, NS)
    ctx = CheckContext(operation=Operation.ROLLBACK, release="x", namespace=NS, current_revision=3,
                       target_revision=2)
    report = run_check(REV2, fixed_rev3, LIVE, ctx)
    assert [f.rule_id for f in report.findings if f.severity is Severity.REMOVED] == ["selector-missing"]
    # The shape checked on a real kube-apiserver 1.20.2 with helm 3.17.3 (reference section 9).
    assert report.helm_error == (
        'Error: cannot patch "x" with kind DaemonSet: DaemonSet.apps "x" is invalid: '
        '[spec.template.metadata.labels: Invalid value: map[string]string{"app":"x", "chart":"x-1.2.3", '
        '"heritage":"Tiller", "release":"x"}: `selector` does not match template `labels`, '
        'spec.selector: Invalid value: "null": field is immutable]'
    )
    assert report.steps[0].startswith("Do not roll x back to revision 2")
    # Rolling forward with revision 2's chart plus the suggested selector passes.
    forward = apply_selector_fixes(REV2, report.fixes, NS)
    assert not run_check(forward, fixed_rev3, LIVE, ctx).rejected


def test_without_live_objects_the_selector_is_inferred_from_the_creation_revision() -> None:
    ctx = upgrade_ctx(history=(("revision 1", REV1),))
    report = run_check(NEW_CHART, REV2, None, ctx)
    assert report.rejected
    [fix] = report.fixes
    assert fix.selector == LIVE[0]["spec"]["selector"]
    assert fix.live_source is LiveSource.INFERRED
    finding = next(f for f in report.findings if f.severity is Severity.REMOVED)
    assert finding.detail("live") == "inferred"
    assert "revision 1" in finding.detail("assumed")


def test_helm2_force_rollback_deletes_then_fails_to_create_with_the_seeds_exact_error() -> None:
    revision2 = load("seed/icp-revision-2.yaml")
    revision3 = load("seed/icp-revision-3.yaml")
    live = load("seed/icp-live.yaml")
    ctx = CheckContext(operation=Operation.ROLLBACK, release="internal-management-ingress", namespace=NS,
                       force=True, helm_version=(2, 17, 0), current_revision=3, target_revision=2)
    report = run_check(revision2, revision3, live, ctx)
    # Verbatim from the seed (seed-upgrade-story.txt), `helm rollback --tls --force internal-management-ingress 2`.
    assert report.helm_error == (
        'Error: failed to create resource: DaemonSet.apps "internal-management-ingress" is invalid: '
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"internal-management-ingress", '
        '"chart":"icp-management-ingress", "component":"internal-management-ingress", "heritage":"Tiller", '
        '"k8s-app":"internal-management-ingress", "release":"internal-management-ingress"}: '
        '`selector` does not match template `labels`'
    )
    gone = [f for f in report.findings if f.rule_id == "force-is-put"]
    assert gone and gone[0].severity is Severity.REMOVED and "gone" in gone[0].message
    forward = apply_selector_fixes(revision2, report.fixes, NS)
    assert not run_check(forward, revision3, live, ctx).rejected
