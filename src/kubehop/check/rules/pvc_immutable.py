"""pvc-immutable: a PersistentVolumeClaim spec changes beyond what the apiserver allows.

A claim's spec is immutable except `resources.requests` (bound claims only, increases only, and
only when its StorageClass has `allowVolumeExpansion: true`), `volumeName` (may be set once) and,
on newer servers, `volumeAttributesClassName`: `spec: Forbidden: spec is immutable after creation
except resources.requests for bound claims` (followed by a field diff); a smaller request fails with
`spec.resources.requests.storage: Forbidden: field can not be less than previous value`; growing a
claim of a class without expansion is refused by admission (reference section 4). A `--force` PUT
of a render without `volumeName`/`storageClassName` also counts as a change (stackrox#21964).

FAIL:  storageClassName fast -> slow; storage 10Gi -> 5Gi
PASS:  storage 10Gi -> 20Gi on a bound claim whose class allows expansion
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from kubehop.check.change import CheckContext, FieldError, ObjectChange, Violation
from kubehop.check.paths import describe, diff_paths, get_path
from kubehop.check.quantity import parse_quantity
from kubehop.model import Severity

ID = "pvc-immutable"
SUMMARY = "PersistentVolumeClaim spec changes other than a storage increase on an expandable class"


def _spec(obj: Mapping[str, Any] | None) -> dict[str, Any]:
    spec = copy.deepcopy(dict(get_path(obj, "spec") or {}))
    spec.setdefault("volumeMode", "Filesystem")
    requests = get_path(spec, "resources", "requests")
    if isinstance(requests, dict):
        requests.pop("storage", None)
    return spec


def _immutable_message(ctx: CheckContext) -> str:
    # volumeAttributesClassName became updatable with VolumeAttributesClass (alpha in 1.29).
    if ctx.kube_at_least(29):
        return ("spec is immutable after creation except resources.requests and volumeAttributesClassName "
                "for bound claims")
    return "spec is immutable after creation except resources.requests for bound claims"


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    if change.key.kind != "PersistentVolumeClaim" or change.key.group or not change.is_update:
        return
    bound = get_path(change.live, "status", "phase") in ("Bound", None)
    new, old = _spec(change.result), _spec(change.live)
    if not get_path(change.live, "spec", "volumeName"):
        new.pop("volumeName", None)
        old.pop("volumeName", None)
    if ctx.kube_at_least(29):
        new.pop("volumeAttributesClassName", None)
        old.pop("volumeAttributesClassName", None)
    new_size_text = get_path(change.result, "spec", "resources", "requests", "storage")
    old_size_text = get_path(change.live, "spec", "resources", "requests", "storage")
    if new != old or (not bound and new_size_text != old_size_text):
        changes = diff_paths(old, new, prefix="spec", limit=3)
        yield Violation(
            rule_id=ID, field="spec", old=describe(changes, "spec", 1),
            new=describe(changes, "spec", 2),
            errors=(FieldError(40, f"spec: Forbidden: {_immutable_message(ctx)}"),),
            message=(
                f"{change.key}: a claim's spec cannot change after creation"
                " (the apiserver appends a field diff to this message); keep the live values in the chart"
            ),
        )
    new_size, old_size = parse_quantity(new_size_text), parse_quantity(old_size_text)
    if new_size is None or old_size is None or new_size == old_size or not bound:
        return
    if new_size < old_size:
        yield Violation(
            rule_id=ID, field="spec.resources.requests.storage", old=str(old_size_text), new=str(new_size_text),
            errors=(FieldError(50, "spec.resources.requests.storage: Forbidden: field can not be less than previous "
                                   "value"),),
            message=f"{change.key}: a claim cannot shrink",
        )
        return
    yield from _growth(change, ctx, str(old_size_text), str(new_size_text))


def _growth(change: ObjectChange, ctx: CheckContext, old: str, new: str) -> Iterator[Violation]:
    storage_class = str(get_path(change.live, "spec", "storageClassName") or "")
    expandable = ctx.storage_classes.get(storage_class)
    if expandable:
        return
    admission = (f'persistentvolumeclaims "{change.key.name}" is forbidden: only dynamically provisioned pvc can be '
                 "resized and the storageclass that provisions the pvc must support resize")
    yield Violation(
        rule_id=ID, field="spec.resources.requests.storage", old=old, new=new,
        severity=Severity.REMOVED if expandable is False else Severity.WARNING,
        object_error=admission if expandable is False else "",
        message=(
            f"{change.key}: growing the claim needs StorageClass {storage_class or '(default)'} to have "
            + ("allowVolumeExpansion: true, and it has not" if expandable is False
               else "allowVolumeExpansion: true (not known here: supply the StorageClass with --live)")
        ),
    )
