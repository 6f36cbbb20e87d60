"""statefulset-immutable: a StatefulSet spec field other than the updatable ones changes.

Only `replicas`, `template` and `updateStrategy` (plus, on newer servers, `minReadySeconds`,
`persistentVolumeClaimRetentionPolicy`, `ordinals`, `revisionHistoryLimit`) may change; anything
else, including `selector`, `serviceName`, `volumeClaimTemplates` (sizes and storageClassName too)
and `podManagementPolicy`, fails with `spec: Forbidden: updates to statefulset spec for fields other
than ... are forbidden`, on every API version (reference section 4, 6.2 step 6).

FAIL:  volumeClaimTemplates storage 1Gi -> 2Gi; serviceName web -> web-headless
PASS:  only replicas, template or updateStrategy change
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from kubehop.check.change import CheckContext, FieldError, ObjectChange, Violation
from kubehop.check.messages import ORDER_FORBIDDEN, statefulset_forbidden
from kubehop.check.paths import describe, diff_paths
from kubehop.check.selectors import format_selector

ID = "statefulset-immutable"
SUMMARY = "StatefulSet spec fields other than replicas/template/updateStrategy change (forbidden)"


def _claim_template(item: Any) -> Any:
    if not isinstance(item, Mapping):
        return item
    claim = copy.deepcopy(dict(item))
    claim.pop("status", None)
    claim.setdefault("apiVersion", "v1")
    claim.setdefault("kind", "PersistentVolumeClaim")
    meta = claim.get("metadata")
    if isinstance(meta, dict) and meta.get("creationTimestamp") is None:
        meta.pop("creationTimestamp", None)
    spec = claim.get("spec")
    if isinstance(spec, dict):
        spec.setdefault("volumeMode", "Filesystem")
    return claim


def normalized_spec(obj: Mapping[str, Any] | None) -> dict[str, Any]:
    """The spec with the apps/v1 defaults the server fills in, so omitted defaults do not count as changes."""
    spec = copy.deepcopy(dict((obj or {}).get("spec") or {}))
    spec.setdefault("podManagementPolicy", "OrderedReady")
    spec.setdefault("revisionHistoryLimit", 10)
    if isinstance(spec.get("volumeClaimTemplates"), list):
        spec["volumeClaimTemplates"] = [_claim_template(t) for t in spec["volumeClaimTemplates"]]
        if not spec["volumeClaimTemplates"]:
            spec.pop("volumeClaimTemplates")
    return spec


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    if change.key.kind != "StatefulSet" or not change.is_update:
        return
    message, allowed = statefulset_forbidden(ctx.kube_version)
    new, old = normalized_spec(change.result), normalized_spec(change.live)
    error = FieldError(ORDER_FORBIDDEN, f"spec: Forbidden: {message}")
    for field in sorted((set(new) | set(old)) - allowed):
        if new.get(field) == old.get(field):
            continue
        if field == "selector":
            before, after = format_selector(old.get(field)), format_selector(new.get(field))
        else:
            changes = diff_paths(old.get(field), new.get(field), prefix=f"spec.{field}", limit=3)
            before = describe(changes, f"spec.{field}", 1)
            after = describe(changes, f"spec.{field}", 2)
        yield Violation(
            rule_id=ID, field=f"spec.{field}", old=before, new=after, errors=(error,),
            message=(
                f"{change.key}: spec.{field} cannot change on a StatefulSet; to change it, delete the "
                "StatefulSet with --cascade=orphan (pods and PVCs stay) and let Helm recreate it"
            ),
        )
