"""A fleet report in every output format `scan` has, with a cluster column (JSON/YAML: one entry per cluster)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from kubehop.errors import UsageError
from kubehop.fleet.model import ClusterReport, FleetReport
from kubehop.model import Finding, Severity
from kubehop.report.common import RESULT_VERSION, ReportMeta, finding_record, summary, summary_line
from kubehop.report.plain_table import text_table

FINDING_COLUMNS: tuple[tuple[str, Callable[[Finding], str]], ...] = (
    ("LOCATION", lambda f: str(f.location)),
    ("OBJECT", lambda f: f"{f.kind}/{f.name}" if f.name else f.kind),
    ("API VERSION", lambda f: f.api_version),
    ("RULE", lambda f: f.rule_id),
    ("REPLACEMENT", lambda f: f.replacement),
    ("REMOVED", lambda f: f.removed_in),
)


def cluster_record(cluster: ClusterReport, report: FleetReport) -> dict[str, Any]:
    meta = cluster.meta(report.command, report.tool_version)
    record: dict[str, Any] = {
        "context": cluster.context,
        "labels": dict(cluster.labels),
        "serverVersion": cluster.server_version,
        "target": cluster.target,
        "status": cluster.status,
        "summary": summary(cluster.findings, meta),
        "findings": [finding_record(f) for f in cluster.findings],
        "errors": list(cluster.errors),
        "notes": list(cluster.notes),
    }
    if cluster.age is not None:
        age = None if cluster.age.age_seconds is None else round(cluster.age.age_seconds)
        record["report"] = {"generatedAt": cluster.age.generated_at, "ageSeconds": age, "stale": cluster.age.stale}
    return record


def fleet_summary(report: FleetReport) -> dict[str, int]:
    findings = [f for c in report.clusters for f in c.findings]
    counts = {str(s): 0 for s in Severity}
    for finding in findings:
        counts[str(finding.severity)] += 1
    return {"clusters": len(report.clusters), "unreadable": sum(1 for c in report.clusters if c.errors),
            "stale": sum(1 for c in report.clusters if c.age is not None and c.age.stale),
            "findings": len(findings), **counts}


def envelope(report: FleetReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kubehopResultVersion": RESULT_VERSION,
        "command": report.command,
        "kubehopVersion": report.tool_version,
        "summary": fleet_summary(report),
        "clusters": [cluster_record(c, report) for c in report.clusters],
    }
    if report.max_age:
        data["maxAge"] = report.max_age
    return data


def render_json(report: FleetReport) -> str:
    return json.dumps(envelope(report), indent=2) + "\n"


def render_yaml(report: FleetReport) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(envelope(report), Dumper=dumper, sort_keys=False, default_flow_style=False))


def _age(cluster: ClusterReport) -> str:
    if cluster.age is None:
        return ""
    if cluster.age.age_seconds is None:
        return "unknown"
    minutes = int(cluster.age.age_seconds // 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def _cluster_row(cluster: ClusterReport, report: FleetReport) -> list[str]:
    found = summary_line(cluster.findings, cluster.meta(report.command, report.tool_version)) \
        if not cluster.errors or cluster.findings or cluster.documents else "-"
    status = cluster.status + (" (stale)" if cluster.age is not None and cluster.age.stale and cluster.errors else "")
    row = [cluster.context, cluster.server_version or "-", cluster.target or "-", status]
    if report.command == "fleet collect":
        row.append(_age(cluster) or "-")
    return [*row, found]


def _headers(report: FleetReport) -> list[str]:
    return ["CLUSTER", "SERVER", "TARGET", "STATUS", *(["AGE"] if report.command == "fleet collect" else []),
            "FINDINGS"]


def _shared_notes(report: FleetReport) -> list[str]:
    """Notes every cluster has are shown once, without a cluster name."""
    readable = [c for c in report.clusters if c.notes]
    if len(readable) < 2:
        return []
    return [n for n in readable[0].notes if all(n in c.notes for c in readable[1:])]


def _plain_table(headers: list[str], rows: list[list[str]]) -> str:
    return text_table(headers, rows).rstrip("\n")


def render_table(report: FleetReport) -> str:
    out = [_plain_table(_headers(report), [_cluster_row(c, report) for c in report.clusters]), ""]
    rows = [[c.context, *(getter(f) for _, getter in FINDING_COLUMNS)] for c in report.clusters for f in c.findings]
    if rows:
        out += [_plain_table(["CLUSTER", *(h for h, _ in FINDING_COLUMNS)], rows), ""]
    shared = _shared_notes(report)
    out += [f"error: {c.context}: {e}" for c in report.clusters for e in c.errors]
    out += [f"note: {c.context}: {n}" for c in report.clusters for n in c.notes if n not in shared]
    out += [f"note: {n}" for n in shared]
    return _summary_line(report) + "\n\n" + "\n".join(out).rstrip("\n") + "\n"


def _summary_line(report: FleetReport) -> str:
    counts = fleet_summary(report)
    found = ", ".join(f"{counts[str(s)]} {s}" for s in reversed(Severity) if counts[str(s)]) or "no findings"
    problems = [f"{counts['unreadable']} not read"] if counts["unreadable"] else []
    problems += [f"{counts['stale']} stale"] if counts["stale"] else []
    extra = f" ({', '.join(problems)})" if problems else ""
    return f"{report.command}: {counts['clusters']} clusters{extra}; {found}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: FleetReport) -> str:
    lines = [f"## kubehop {report.command}", "", _summary_line(report), ""]
    headers = _headers(report)
    lines += ["| " + " | ".join(h.title() for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in _cluster_row(cluster, report)) + " |" for cluster in report.clusters]
    rows = [[c.context, str(f.severity), f.tag, str(f.location), f.kind, f.name, f.api_version, f.replacement,
             f.removed_in] for c in report.clusters for f in c.findings]
    if rows:
        lines += ["", "| Cluster | Severity | Rule | Location | Kind | Name | API version | Replacement | Removed |",
                  "|---|---|---|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    lines += [f"> error: {_cell(c.context)}: {_cell(e)}" for c in report.clusters for e in c.errors]
    return "\n".join(lines) + "\n"


def render_html(report: FleetReport) -> str:
    """The scan page with a cluster column and a chart by cluster; a cluster's errors and notes as notes."""
    from kubehop.report.html_scan import Row, render_rows

    rows = [Row(f, c.context) for c in report.clusters for f in c.findings]
    notes = tuple(f"error: {c.context}: {e}" for c in report.clusters for e in c.errors)
    notes += tuple(f"{c.context}: {n}" for c in report.clusters for n in c.notes)
    meta = ReportMeta(command=report.command, tool_version=report.tool_version, notes=notes,
                      documents=sum(c.documents for c in report.clusters),
                      sources=sum(c.sources for c in report.clusters))
    counts = fleet_summary(report)
    unread = f", {counts['unreadable']} not read" if counts["unreadable"] else ""
    return render_rows(rows, meta, f"kubehop {report.command}: {len(report.clusters)} clusters{unread}")


def render(report: FleetReport, fmt: str) -> str:
    from kubehop.fleet import render_ci

    renderers: dict[str, Callable[[FleetReport], str]] = {
        "table": render_table, "json": render_json, "yaml": render_yaml, "markdown": render_markdown,
        "csv": render_ci.render_csv, "sarif": render_ci.render_sarif, "junit": render_ci.render_junit,
        "html": render_html,
    }
    try:
        return renderers[fmt](report)
    except KeyError:
        raise UsageError(f"unknown output format {fmt!r} (known: {', '.join(renderers)})") from None
