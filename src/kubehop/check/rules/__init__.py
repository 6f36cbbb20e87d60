"""The explicit registry of pre-flight rules: one module per immutable-field trap."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Protocol

from kubehop.check.change import CheckContext, ObjectChange, Violation
from kubehop.check.rules import (
    api_group_change,
    force_is_put,
    immutable_configmap_secret,
    job_immutable,
    pvc_immutable,
    removed_api_in_release,
    rolebinding_roleref,
    rollback_untracked,
    selector_changed,
    selector_missing,
    selector_template_mismatch,
    service_immutable,
    statefulset_immutable,
)
from kubehop.errors import UsageError


class CheckRule(Protocol):
    ID: str
    SUMMARY: str

    def check(self, change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]: ...


# Rules that look at one object's fields; force-is-put re-runs these with the other request method.
FIELD_RULES: tuple[CheckRule, ...] = (
    removed_api_in_release,
    api_group_change,
    rollback_untracked,
    selector_missing,
    selector_changed,
    selector_template_mismatch,
    statefulset_immutable,
    job_immutable,
    service_immutable,
    pvc_immutable,
    rolebinding_roleref,
    immutable_configmap_secret,
)
ALL_RULES: tuple[CheckRule, ...] = (*FIELD_RULES, force_is_put)
# Objects Helm will delete (only in the revision it diffs against) can still stop it from building.
DELETED_OBJECT_RULES: tuple[CheckRule, ...] = (removed_api_in_release,)
REGISTRY: Mapping[str, CheckRule] = MappingProxyType({rule.ID: rule for rule in ALL_RULES})


def get(rule_id: str) -> CheckRule:
    try:
        return REGISTRY[rule_id]
    except KeyError:
        raise UsageError(f"no such check rule: {rule_id!r} (known: {', '.join(sorted(REGISTRY))})") from None
