"""The check's report: the shared findings renderers plus the check's own sections (the error Helm
will print, the safe selector fixes and the ordering steps)."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from kubehop.check.engine import CheckReport
from kubehop.check.session import CheckOutcome

STEPS_TITLE = "Steps (fix charts first, then Kubernetes, then charts again; roll back in reverse)"


def check_record(outcome: CheckOutcome) -> dict[str, Any]:
    """The check-specific part of the JSON/YAML envelope."""
    ctx, report = outcome.context, outcome.report
    return {
        "operation": ctx.operation.value,
        "release": ctx.release,
        "namespace": ctx.namespace,
        "currentRevision": ctx.current_revision,
        "targetRevision": ctx.target_revision,
        "force": ctx.force,
        "helmVersion": ".".join(str(p) for p in ctx.helm_version),
        "kubeVersion": str(ctx.kube_version) if ctx.kube_version else None,
        "live": "supplied" if ctx.live_supplied else "inferred",
        "rejected": report.rejected,
        "helmError": report.helm_error or None,
        "fixes": [
            {
                "kind": fix.key.kind, "namespace": fix.key.namespace, "name": fix.key.name,
                "template": fix.template or None, "selector": json.loads(json.dumps(fix.selector)),
                "templateLabels": dict(fix.keep_labels), "frozenLabels": list(fix.moving),
                "liveSource": fix.live_source.value, "summary": fix.summary(), "snippet": fix.snippet(),
            }
            for fix in report.fixes
        ],
        "steps": list(report.steps),
        "safeRollbackRevisions": list(outcome.safe_revisions) if outcome.safe_revisions is not None else None,
    }


def _changes(report: CheckReport) -> list[str]:
    """One line per finding that names a field: object, field, old -> new."""
    lines = []
    for f in report.findings:
        field, old, new = f.detail("field"), f.detail("old"), f.detail("new")
        if not field or field == "--force" or (not old and not new) or old == new:
            continue
        where = f"{f.kind} {f.namespace + '/' if f.namespace else ''}{f.name}"
        lines.append(f"{f.severity} {where} {field}: {old or '(none)'} -> {new or '(none)'}")
    return lines


def _text_sections(report: CheckReport) -> str:
    out: list[str] = []
    changes = _changes(report)
    if changes:
        out += ["", "Changes (object, field: old -> new):", *(f"  {line}" for line in changes)]
    if report.helm_error:
        out += ["", "Helm will fail with:", textwrap.indent(report.helm_error, "  ")]
    if report.fixes:
        out += ["", "Safe fix (the live selector, exactly; every selector label kept in the pod template):"]
        for fix in report.fixes:
            out.append(textwrap.indent(fix.snippet().rstrip("\n"), "  "))
    if report.steps:
        out += ["", STEPS_TITLE + ":"]
        out += [f"  {n}. {step}" for n, step in enumerate(report.steps, 1)]
    return "\n".join(out) + "\n" if out else ""


def _markdown_sections(report: CheckReport) -> str:
    out: list[str] = []
    changes = _changes(report)
    if changes:
        out += ["", "### Changes (object, field: old -> new)", "", *(f"- `{line}`" for line in changes)]
    if report.helm_error:
        out += ["", "### Helm will fail with", "", "```", report.helm_error, "```"]
    if report.fixes:
        out += ["", "### Safe fix", ""]
        for fix in report.fixes:
            out += [f"- {fix.summary()}", "", "```yaml", fix.snippet().rstrip("\n"), "```", ""]
    if report.steps:
        out += ["", f"### {STEPS_TITLE}", ""]
        out += [f"{n}. {step}" for n, step in enumerate(report.steps, 1)]
    return "\n".join(out) + "\n" if out else ""


def render_check(outcome: CheckOutcome, fmt: str, meta: Any) -> str:
    from kubehop.report import render

    findings = outcome.report.findings
    base = render(findings, fmt, meta)
    if fmt == "json":
        data = json.loads(base)
        data["check"] = check_record(outcome)
        return json.dumps(data, indent=2) + "\n"
    if fmt == "yaml":
        import yaml

        data = yaml.safe_load(base)
        data["check"] = check_record(outcome)
        return str(yaml.safe_dump(data, sort_keys=False, default_flow_style=False))
    if fmt == "table":
        return base + _text_sections(outcome.report)
    if fmt == "markdown":
        return base + _markdown_sections(outcome.report)
    return base
