"""deprecated-api-group-in-rbac: a Role/ClusterRole grants on an API group/resource the target no longer serves.

Such a rule grants nothing after the hop: workloads or users relying on it lose access unless the
same permission is granted on the replacement group (e.g. `extensions` `ingresses` ->
`networking.k8s.io` `ingresses`). Wildcards are not reported.

FAIL at --target 1.22:  rules: [{apiGroups: [extensions], resources: [ingresses], verbs: [get]}]
PASS at --target 1.22:  rules: [{apiGroups: [networking.k8s.io], resources: [ingresses], verbs: [get]}]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubehop.lifecycle import ApiStatus, LifecycleEntry
from kubehop.model import Document, Finding, Severity
from kubehop.rules.context import RuleContext, make_finding

ID = "deprecated-api-group-in-rbac"
SEVERITY = Severity.DEPRECATED
SUMMARY = "RBAC rule grants on an API group/resource that the target no longer serves"

RBAC_GROUP = "rbac.authorization.k8s.io"


def interested(api_version: str, kind: str, ctx: RuleContext) -> bool:
    return kind in ("Role", "ClusterRole") and api_version.startswith(RBAC_GROUP + "/")


def unserved_entry(group: str, resource: str, ctx: RuleContext) -> LifecycleEntry | None:
    """The lifecycle row proving group/resource is gone at the target, or None if any version serves it."""
    base = resource.split("/", 1)[0]
    rows = [e for e in ctx.lifecycle.resources_in_group(group) if e.resource == base]
    if not rows or any(e.status_at(ctx.target) is not ApiStatus.REMOVED for e in rows):
        return None
    for row in rows:
        replacement = row.replacement_gvk
        if replacement is not None and replacement.group == group:
            later = ctx.lifecycle.lookup(replacement.api_version, replacement.kind)
            if later is None or later.status_at(ctx.target) is not ApiStatus.REMOVED:
                return None  # the same group still serves the resource at a newer version
    return max(rows, key=lambda e: e.removed_in or e.deprecated_in or ctx.target)


def _group_label(group: str) -> str:
    return group or '"" (core)'


def check(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    rules = doc.obj.get("rules")
    if not interested(doc.api_version, doc.kind, ctx) or not isinstance(rules, list):
        return
    for index, rule in enumerate(rules):
        if not isinstance(rule, Mapping):
            continue
        groups = rule.get("apiGroups") or []
        resources = rule.get("resources") or []
        if not isinstance(groups, list) or not isinstance(resources, list):
            continue
        for group in groups:
            for resource in resources:
                if group == "*" or resource == "*" or not isinstance(group, str) or not isinstance(resource, str):
                    continue
                entry = unserved_entry(group, resource, ctx)
                if entry is None:
                    continue
                replacement = entry.replacement_gvk
                instead = f"; grant it on apiGroup {_group_label(replacement.group)} instead" if replacement else ""
                yield make_finding(
                    doc,
                    ID,
                    SEVERITY,
                    f"{doc.kind} {doc.name or '(unnamed)'} rules[{index}] grants on {group or 'core'}/{resource}, "
                    f"which {entry.where(ctx.target)} no longer serves (removed in {entry.removed_label}){instead}",
                    sub_id=f"{group}/{resource}",
                    entry=entry,
                    target=ctx.target,
                    details=(("rule_index", str(index)), ("api_group", group), ("resource", resource)),
                )
