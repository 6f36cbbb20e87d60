"""selector-changed: the selector after Helm's update differs from the live selector.

`spec.selector` of Deployment (through apps/v1beta2 and apps/v1), DaemonSet and ReplicaSet (through
anything but extensions/v1beta1) is immutable: `spec.selector: Invalid value:
v1.LabelSelector{...}: field is immutable` (reference 2.1.3 and section 4). A strategic merge patch
never removes selector keys the original did not have, so a subset selector passes with a plain
upgrade but fails with `--force` (PUT); a new label scheme ends up as the union of old and new keys
and fails either way (reference 5.3, cases B and D). StatefulSets are covered by
statefulset-immutable, whose message differs.

FAIL:  live {app, chart, release}, chart selector {app, release}, helm upgrade --force
PASS:  chart selector equal to the live selector
"""

from __future__ import annotations

from collections.abc import Iterator

from kubehop.check.change import CheckContext, Mode, ObjectChange, Violation
from kubehop.check.gofmt import go_label_selector
from kubehop.check.messages import immutable_error
from kubehop.check.selectors import format_selector, selector_of, selectors_equal

ID = "selector-changed"
SUMMARY = "spec.selector of a Deployment, DaemonSet or ReplicaSet changes (immutable)"

_KINDS = frozenset({"Deployment", "DaemonSet", "ReplicaSet"})


def selector_mutable_through(api_version: str, kind: str) -> bool:
    if api_version == "extensions/v1beta1":
        return True
    return kind == "Deployment" and api_version == "apps/v1beta1"


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    if change.key.kind not in _KINDS or not change.is_update:
        return
    if selector_mutable_through(change.api_version, change.key.kind):
        return
    new, old = selector_of(change.result), selector_of(change.live)
    if new is None or old is None or selectors_equal(new, old):
        return
    how = "`--force` replaces it with the manifest's" if change.mode is Mode.PUT else "the patch merges it into"
    yield Violation(
        rule_id=ID, field="spec.selector", old=format_selector(old), new=format_selector(new),
        errors=(immutable_error("spec.selector", go_label_selector(new)),),
        message=(
            f"{change.key}: spec.selector is immutable; {how} {format_selector(new)} "
            f"but the live selector is {format_selector(old)}"
        ),
    )
