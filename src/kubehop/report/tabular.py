"""Markdown and CSV: flat tables for pull-request comments and spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from kubehop.model import Finding
from kubehop.report.common import ReportMeta, summary_line

CSV_FIELDS = (
    "severity", "rule", "path", "line", "template", "release", "namespace", "revision", "status",
    "api_version", "kind", "name", "object_namespace", "replacement", "deprecated_in", "removed_in",
    "replacement_available_in", "message",
)


def _row(f: Finding) -> list[str]:
    loc = f.location
    return [
        str(f.severity), f.tag, loc.path, str(loc.line or ""), loc.template or "", loc.release or "",
        loc.namespace or "", "" if loc.revision is None else str(loc.revision), loc.status or "",
        f.api_version, f.kind, f.name, f.namespace, f.replacement, f.deprecated_in, f.removed_in,
        f.replacement_available_in, f.message,
    ]


def render_csv(findings: Sequence[Finding], meta: ReportMeta) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    writer.writerows(_row(f) for f in findings)
    return buffer.getvalue()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(findings: Sequence[Finding], meta: ReportMeta) -> str:
    title = f"## kubehop {meta.command}" + (f" (target {meta.target})" if meta.target else "")
    lines = [title, "", summary_line(findings, meta), ""]
    if findings:
        lines.append("| Severity | Rule | Location | Kind | Name | API version | Replacement | Deprecated | Removed |")
        lines.append("|---|---|---|---|---|---|---|---|---|")
        for f in findings:
            cells = [str(f.severity), f.tag, str(f.location), f.kind, f.name, f.api_version, f.replacement,
                     f.deprecated_in, f.removed_in]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines += ["", "### Details", ""]
        lines += [f"- `{_cell(str(f.location))}` **{f.tag}**: {_cell(f.message)}" for f in findings]
    lines += [f"> note: {_cell(n)}" for n in meta.notes]
    return "\n".join(lines) + "\n"
