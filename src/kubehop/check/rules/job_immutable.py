"""job-immutable: a Job's selector, pod template or completion settings change.

A Job's `spec.selector`, `spec.template`, `spec.completions` (outside elastic Indexed Jobs),
`completionMode`, `podFailurePolicy`, `backoffLimitPerIndex`, `managedBy` and `successPolicy` are
immutable: `spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable` (reference
section 4, batch ValidateJobSpecUpdate). A Job the chart changes (a new image tag) therefore fails
every `helm upgrade` while the old Job object exists; with `--force` the PUT also drops the selector
and labels the Job controller generated. The value dump of the template is abbreviated as {...}.

FAIL:  image busybox:1.35 -> busybox:1.36 in a Job that still exists
PASS:  the same change after the old Job was deleted (or made a hook with a delete policy)
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from kubehop.check.change import CheckContext, FieldError, ObjectChange, Violation
from kubehop.check.gofmt import go_label_selector, go_scalar
from kubehop.check.messages import (
    ORDER_IMMUTABLE,
    ORDER_REQUIRED,
    immutable_error,
    mismatch_error,
)
from kubehop.check.paths import describe, diff_paths, get_path
from kubehop.check.selectors import format_selector, selector_of, selectors_equal, template_labels

ID = "job-immutable"
SUMMARY = "Job selector, template or completion settings change (immutable)"

_SCALARS = ("completions", "completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy")
_DEFAULTS: dict[str, Any] = {"completionMode": "NonIndexed"}


def _spec(obj: Mapping[str, Any] | None) -> dict[str, Any]:
    spec = copy.deepcopy(dict(get_path(obj, "spec") or {}))
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    for key, value in _DEFAULTS.items():
        spec.setdefault(key, value)
    return spec


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    if change.key.kind != "Job" or change.key.group != "batch" or not change.is_update:
        return
    new, old = _spec(change.result), _spec(change.live)
    new_selector, old_selector = selector_of(change.result), selector_of(change.live)
    if not selectors_equal(new_selector, old_selector):
        errors = [immutable_error("spec.selector", go_label_selector(new_selector))]
        if new_selector is None:
            errors = [FieldError(ORDER_REQUIRED, "spec.selector: Required value"),
                      mismatch_error(template_labels(change.result)), *errors]
        yield Violation(
            rule_id=ID, field="spec.selector", old=format_selector(old_selector), new=format_selector(new_selector),
            errors=tuple(errors), message=f"{change.key}: a Job's spec.selector cannot change",
        )
    if new.get("template") != old.get("template"):
        changes = diff_paths(old.get("template"), new.get("template"), prefix="spec.template", limit=3)
        yield Violation(
            rule_id=ID, field="spec.template",
            old=describe(changes, "spec.template", 1), new=describe(changes, "spec.template", 2),
            errors=(immutable_error("spec.template", "core.PodTemplateSpec{...}", ORDER_IMMUTABLE + 1),),
            message=(
                f"{change.key}: a Job's pod template cannot change; delete the old Job before the upgrade "
                "(or make it a hook with helm.sh/hook-delete-policy: before-hook-creation)"
            ),
        )
    for index, field in enumerate(_SCALARS):
        if new.get(field) != old.get(field):
            yield Violation(
                rule_id=ID, field=f"spec.{field}", old=go_scalar(old.get(field)), new=go_scalar(new.get(field)),
                errors=(immutable_error(f"spec.{field}", go_scalar(new.get(field)), ORDER_IMMUTABLE + 2 + index),),
                message=f"{change.key}: a Job's spec.{field} cannot change",
            )
