"""Run every rule over every object change and turn violations into Findings with the exact error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubehop.check import helm2
from kubehop.check.change import CheckContext, Mode, ObjectChange, Violation
from kubehop.check.fixes import SELECTOR_RULES, SelectorFix, selector_fix
from kubehop.check.messages import apiserver_error, build_error, helm_cli_error, helm_object_error
from kubehop.check.objects import build_changes, object_key
from kubehop.check.steps import plan_steps
from kubehop.model import Finding, Location, Severity


@dataclass(frozen=True)
class CheckReport:
    """What the check found: findings (worst first), the safe fixes, the ordering steps, and the
    `Error: ...` line Helm would print for everything the apiserver rejects."""

    findings: tuple[Finding, ...]
    changes: tuple[ObjectChange, ...]
    fixes: tuple[SelectorFix, ...]
    steps: tuple[str, ...]
    helm_error: str

    @property
    def rejected(self) -> bool:
        return any(f.severity >= Severity.REMOVED for f in self.findings)


def field_violations(change: ObjectChange, ctx: CheckContext) -> list[Violation]:
    from kubehop.check.rules import FIELD_RULES

    return [v for rule in FIELD_RULES for v in rule.check(change, ctx)]


def all_violations(change: ObjectChange, ctx: CheckContext) -> list[Violation]:
    from kubehop.check.rules import ALL_RULES, DELETED_OBJECT_RULES

    rules = DELETED_OBJECT_RULES if change.mode is Mode.DELETE else ALL_RULES
    return [v for rule in rules for v in rule.check(change, ctx)]


def object_error(change: ObjectChange, violations: Sequence[Violation], severity: Severity) -> str:
    """The error Helm reports for this object from the violations at `severity` or worse ('' if none)."""
    relevant = [v for v in violations if v.severity >= severity]
    helm_side = [v.helm_error for v in relevant if v.helm_error and not v.build_stage]
    if helm_side:
        return helm_side[0]
    whole = [v.object_error for v in relevant if v.object_error]
    errors = [e for v in relevant for e in v.errors]
    if not whole and not errors:
        return ""
    apiserver = whole[0] if whole else apiserver_error(change.key, errors)
    return helm_object_error(change.key, change.mode, apiserver)


def run_check(
    target_docs: Sequence[Mapping[str, Any]],
    original_docs: Sequence[Mapping[str, Any]],
    live_docs: Sequence[Mapping[str, Any]] | None,
    ctx: CheckContext,
) -> CheckReport:
    """Compare the manifest to apply with Helm's original and the live objects (None: infer them)."""
    changes = build_changes(target_docs, original_docs, live_docs, ctx)
    findings: list[Finding] = []
    fixes: list[SelectorFix] = []
    rejected_errors: list[str] = []
    unbuildable: dict[str, list[tuple[int, str]]] = {"current": [], "new": []}
    # Helm builds each manifest in its own order; errors are listed in that order.
    position = {"current": _positions(original_docs, ctx), "new": _positions(target_docs, ctx)}
    for change in changes:
        violations = all_violations(change, ctx)
        if not violations:
            continue
        built = [v for v in violations if v.build_stage]
        for violation in built:
            where = position[violation.build_stage].get((change.key.kind, change.key.name), 0)
            unbuildable[violation.build_stage].append((where, violation.helm_error))
            findings.append(_finding(change, ctx, violation,
                                     helm_cli_error(ctx, [build_error(ctx, violation.build_stage,
                                                                      [violation.helm_error])]), None))
        violations = [v for v in violations if not v.build_stage]
        if not violations:
            continue
        rejected = object_error(change, violations, Severity.REMOVED)
        if rejected and helm2.applies(ctx, change):
            change, violations = helm2.delete_and_create(change, violations, ctx, field_violations, rejected)
            rejected = object_error(change, violations, Severity.REMOVED)
        if rejected:
            rejected_errors.append(rejected)
        fix = selector_fix(change, ctx) if any(v.rule_id in SELECTOR_RULES or v.field == "spec.selector"
                                               for v in violations) else None
        if fix is not None:
            fixes.append(fix)
        for violation in violations:
            line = object_error(change, violations, violation.severity) if violation.errors or violation.helm_error \
                or violation.object_error else ""
            findings.append(_finding(change, ctx, violation, helm_cli_error(ctx, [line]) if line else "", fix))
    findings.sort(key=lambda f: (-int(f.severity), f.kind, f.namespace, f.name, f.rule_id))
    report_fixes = tuple(fixes)
    # Helm builds the current manifest, then the new one, and stops at the first that fails: no diff at all.
    stage = next((s for s in ("current", "new") if unbuildable[s]), "")
    if stage:
        helm_error = helm_cli_error(ctx, [build_error(ctx, stage, [e for _, e in sorted(unbuildable[stage])])])
    else:
        helm_error = helm_cli_error(ctx, rejected_errors) if rejected_errors else ""
    return CheckReport(
        findings=tuple(findings), changes=tuple(changes), fixes=report_fixes,
        steps=plan_steps(ctx, report_fixes, bool(helm_error)), helm_error=helm_error,
    )


def _positions(docs: Sequence[Mapping[str, Any]], ctx: CheckContext) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for index, doc in enumerate(docs):
        key = object_key(doc, ctx.namespace)
        out.setdefault((key.kind, key.name), index)
    return out


def _finding(
    change: ObjectChange, ctx: CheckContext, violation: Violation, error: str, fix: SelectorFix | None
) -> Finding:
    details: list[tuple[str, str]] = [
        ("field", violation.field), ("old", violation.old), ("new", violation.new),
        ("operation", ctx.operation.value), ("request", change.mode.value), ("live", change.live_source.value),
    ]
    if change.note:
        details.append(("assumed", change.note))
    if error:
        details.append(("error", error))
    details += list(violation.extra)
    if fix is not None and (violation.rule_id in SELECTOR_RULES or violation.field == "spec.selector"):
        details.append(("fix", fix.summary()))
        details.append(("fix_snippet", fix.snippet()))
    from_release = ctx.target_revision is not None and ctx.target_source.startswith("revision ")
    in_current = violation.build_stage == "current" or change.mode is Mode.DELETE
    if in_current:
        path = f"revision {ctx.current_revision}" if ctx.current_revision else "current manifest"
        template = None
    else:
        path = ctx.target_source or "-"
        template = ctx.templates.get(f"{change.key.kind}/{change.key.name}") or None
    location = Location(
        path=path, template=template,
        release=ctx.release if from_release else None, namespace=ctx.namespace if from_release else None,
        revision=ctx.target_revision if from_release else None,
    )
    return Finding(
        location=location, rule_id=violation.rule_id, severity=violation.severity, message=violation.message,
        sub_id=f"{change.key.kind}/{change.key.name}", api_version=change.api_version, kind=change.key.kind,
        name=change.key.name, namespace=change.key.namespace, details=tuple(details),
    )
