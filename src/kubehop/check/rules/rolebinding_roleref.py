"""rolebinding-roleref: a RoleBinding's or ClusterRoleBinding's roleRef changes.

`roleRef` cannot change: `roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io",
Kind:"Role", Name:"x"}: cannot change roleRef` (reference section 4 and 9). Delete the binding and
let Helm recreate it.

FAIL:  roleRef Role/reader -> ClusterRole/reader
PASS:  subjects change, roleRef stays
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubehop.check.change import CheckContext, FieldError, ObjectChange, Violation
from kubehop.check.gofmt import go_role_ref
from kubehop.check.messages import ORDER_IMMUTABLE

ID = "rolebinding-roleref"
SUMMARY = "RoleBinding/ClusterRoleBinding roleRef changes (immutable)"


def _ref(obj: Mapping[str, Any] | None) -> dict[str, str]:
    ref = (obj or {}).get("roleRef")
    if not isinstance(ref, Mapping):
        return {}
    return {k: str(ref.get(k) or "") for k in ("apiGroup", "kind", "name")}


def _show(ref: Mapping[str, str]) -> str:
    return f"{ref.get('kind', '')}/{ref.get('name', '')} ({ref.get('apiGroup', '')})"


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    if change.key.kind not in ("RoleBinding", "ClusterRoleBinding") or not change.is_update:
        return
    new, old = _ref(change.result), _ref(change.live)
    if new == old:
        return
    yield Violation(
        rule_id=ID, field="roleRef", old=_show(old), new=_show(new),
        errors=(FieldError(ORDER_IMMUTABLE, f"roleRef: Invalid value: {go_role_ref(new)}: cannot change roleRef"),),
        message=f"{change.key}: roleRef cannot change; delete the binding and let Helm recreate it",
    )
