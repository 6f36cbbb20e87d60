"""What every renderer shares: report metadata, the finding-to-record mapping and exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kubehop.model import ExitCode, Finding, Severity

RESULT_VERSION = "1"


@dataclass(frozen=True)
class ReportMeta:
    command: str
    target: str = ""
    tool_version: str = ""
    documents: int = 0
    sources: int = 0
    notes: tuple[str, ...] = ()
    width: int | None = None  # the terminal's width for the table format; None: no limit (--wide, a pipe, a file)
    color: bool = False  # colour the table's severities (a terminal, NO_COLOR unset)
    server_version: str = ""  # scan --cluster: the server's version, when it was read


def location_record(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    record: dict[str, Any] = {"path": loc.path, "line": loc.line}
    if loc.template:
        record["template"] = loc.template
    if loc.release is not None:
        record.update(release=loc.release, namespace=loc.namespace, revision=loc.revision, status=loc.status)
    if loc.storage_key:
        record["storageKey"] = loc.storage_key
    if loc.item is not None:
        record["item"] = loc.item
    return record


def finding_record(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule_id,
        "tag": finding.tag,
        "severity": str(finding.severity),
        "message": finding.message,
        "apiVersion": finding.api_version,
        "kind": finding.kind,
        "name": finding.name,
        "namespace": finding.namespace,
        "replacement": finding.replacement,
        "deprecatedIn": finding.deprecated_in,
        "removedIn": finding.removed_in,
        "replacementAvailableIn": finding.replacement_available_in,
        "location": location_record(finding),
        "details": dict(finding.details),
    }


def summary(findings: Sequence[Finding], meta: ReportMeta) -> dict[str, int]:
    counts = {str(s): 0 for s in Severity}
    for finding in findings:
        counts[str(finding.severity)] += 1
    return {"findings": len(findings), **counts, "documents": meta.documents, "sources": meta.sources}


def summary_line(findings: Sequence[Finding], meta: ReportMeta) -> str:
    counts = summary(findings, meta)
    parts = [f"{counts[str(s)]} {s}" for s in reversed(Severity) if counts[str(s)]]
    found = ", ".join(parts) if parts else "no findings"
    target = f" at target {meta.target}" if meta.target else ""
    return f"{found}{target} ({meta.documents} documents in {meta.sources} sources)"


def exit_code_for(findings: Sequence[Finding], fail_on: str = "deprecated") -> ExitCode:
    """3 when something is removed, 2 when deprecated, 1 on input errors, else 0 (the highest wins)."""
    severities = {f.severity for f in findings}
    if fail_on in ("removed", "deprecated") and Severity.REMOVED in severities:
        return ExitCode.REMOVED
    if fail_on == "deprecated" and severities & {Severity.DEPRECATED, Severity.WARNING}:
        return ExitCode.DEPRECATED
    if Severity.ERROR in severities:
        return ExitCode.ERROR
    return ExitCode.OK

