"""selector-missing: a workload in the manifest to apply has no `spec.selector`.

apps/v1 and apps/v1beta2 do not default the selector (extensions/v1beta1 and apps/v1beta1 did, from
the template labels). When the selector Helm will send is null, the apiserver rejects the object:
Deployment, ReplicaSet and StatefulSet with `spec.selector: Required value`, every kind with
`` `selector` does not match template `labels` `` (a nil selector matches nothing), and on update
with `spec.selector: Invalid value: "null": field is immutable` (reference 2.1.3, 5.3, section 9).
That is the seed's rollback: the current revision carries the selector, the older one does not,
so the three-way patch sends `selector: null`.

When the chart omits the selector but the patch leaves the live one alone, the upgrade passes, but
only by luck: `--force`, a later rollback or a fresh install break it. That is reported as a warning.

FAIL:  rollback to a DaemonSet revision without spec.selector while the current revision has one
PASS:  the same revision with spec.selector.matchLabels equal to the live selector
"""

from __future__ import annotations

from collections.abc import Iterator

from kubehop.check.change import CheckContext, FieldError, Mode, ObjectChange, Violation
from kubehop.check.messages import ORDER_REQUIRED, immutable_error, mismatch_error
from kubehop.check.objects import defaults_selector
from kubehop.check.selectors import WORKLOAD_KINDS, format_selector, selector_of, template_labels
from kubehop.model import Severity

ID = "selector-missing"
SUMMARY = "workload without spec.selector (apps/v1 requires it and keeps the live one immutable)"


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    if change.key.kind not in WORKLOAD_KINDS or defaults_selector(change.api_version):
        return
    if selector_of(change.target) is not None:
        return
    live_selector = selector_of(change.live)
    if selector_of(change.result) is not None:
        yield Violation(
            rule_id=ID, field="spec.selector", old=format_selector(live_selector), new="(not in the manifest)",
            severity=Severity.WARNING,
            message=(
                f"{change.key} has no spec.selector in the manifest; the patch keeps the live selector "
                f"{format_selector(live_selector)}, but `--force`, a rollback or a reinstall will fail: "
                "put the exact live selector into the chart"
            ),
        )
        return
    errors: list[FieldError] = []
    if change.key.kind != "DaemonSet":
        errors.append(FieldError(ORDER_REQUIRED, "spec.selector: Required value"))
    errors.append(mismatch_error(template_labels(change.result)))
    if change.is_update and live_selector is not None and change.key.kind != "StatefulSet":
        errors.append(immutable_error("spec.selector", '"null"'))
    if change.mode is Mode.CREATE:
        why = "it will be created without one"
    elif selector_of(change.original) is not None:
        why = (f"the revision Helm diffs against has {format_selector(selector_of(change.original))}, "
               "so the patch sends `selector: null`")
    else:
        why = "`--force` replaces the object with the manifest, which has none"
    yield Violation(
        rule_id=ID, field="spec.selector", old=format_selector(live_selector), new="null",
        errors=tuple(errors),
        message=f"{change.key} has no spec.selector in the manifest to apply: {why}",
    )
