"""Findings from deprecated API requests: what clients call that no manifest or live object shows.

The API server's /metrics needs `get` on the non-resource URL `/metrics`; when that is forbidden the
scan notes it and goes on. An audit log file, when given, names the callers' user agents.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from kubehop.cluster.live import ClusterReader
from kubehop.cluster.metrics import AuditLogError, DeprecatedUse, audit_uses, deprecated_uses
from kubehop.errors import ClusterRequestError, ResourceForbiddenError, UsageError
from kubehop.model import Document, Finding, KubeVersion, Location, Severity
from kubehop.rules import REGISTRY
from kubehop.scan import Scanner

API_RULES = frozenset({"removed-api", "deprecated-api"})


def read_metric_uses(reader: ClusterReader, notes: list[str]) -> list[DeprecatedUse]:
    """The deprecated APIs /metrics shows as requested; a forbidden or missing /metrics is a note."""
    try:
        text = reader.get_text("/metrics", what="GET /metrics")
    except ResourceForbiddenError as exc:
        notes.append(f"{exc} (grant get on nonResourceURLs [\"/metrics\"] to see which deprecated APIs clients "
                     "still call)")
        return []
    except ClusterRequestError as exc:
        notes.append(f"deprecated API requests not read: {exc}")
        return []
    uses = deprecated_uses(text)
    notes.append(f"context {reader.context}: /metrics shows {len(uses)} deprecated API(s) requested since the "
                 "API server started")
    return uses


def read_audit_uses(path: str) -> list[DeprecatedUse]:
    """The deprecated API calls in an audit log file (JSON lines); a bad file is a one-line error."""
    try:
        with Path(path).open(encoding="utf-8") as lines:
            return audit_uses(lines)
    except OSError as exc:
        raise UsageError(f"audit log {path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"audit log {path}: not UTF-8 text") from exc
    except AuditLogError as exc:
        raise UsageError(f"audit log {path}: {exc}") from exc


def usage_findings(uses: list[DeprecatedUse], scanner: Scanner, where: str) -> Iterator[Finding]:
    """One finding per deprecated API called: the lifecycle's removed/deprecated finding where kubehop knows
    the resource, else what the API server itself says (deprecated, removed in `removed_release`)."""
    api_only = Scanner(replace(scanner.options, skip=scanner.options.skip | (frozenset(REGISTRY) - API_RULES)))
    target = scanner.options.target
    for use in uses:
        scanner.stats.documents += 1
        location = Location(path=f"{where}/{use.resource_label}")
        entry = scanner.options.lifecycle.lookup_resource(use.group, use.version, use.resource)
        kind = entry.kind if entry is not None else use.resource
        details = _details(use)
        found = []
        if entry is not None:
            doc = Document({"apiVersion": use.api_version, "kind": kind, "metadata": {}}, location)
            found = list(api_only.scan_document(doc))
        if not found:
            found = [_server_says(use, kind, location, target)]
        for finding in found:
            yield replace(finding, message=f"{finding.message} ({_calls(use)})", details=finding.details + details)


def _server_says(use: DeprecatedUse, kind: str, location: Location, target: KubeVersion) -> Finding:
    removed = _removed(use.removed_release)
    gone = removed is not None and target >= removed
    rule = "removed-api" if gone else "deprecated-api"
    when = f", removed in {use.removed_release}" if use.removed_release else ""
    return Finding(location=location, rule_id=rule, severity=Severity.REMOVED if gone else Severity.DEPRECATED,
                   message=f"the API server reports {use.api_version} {use.resource} as deprecated{when}",
                   sub_id=f"{use.api_version}/{kind}", api_version=use.api_version, kind=kind,
                   removed_in=use.removed_release)


def _removed(text: str) -> KubeVersion | None:
    try:
        return KubeVersion.parse(text) if text else None
    except UsageError:
        return None


def _calls(use: DeprecatedUse) -> str:
    count = "requests" if use.requests is None else f"{use.requests} request{'s' if use.requests != 1 else ''}"
    by = f" by {use.user_agent}" if use.user_agent else ""
    return f"still called: {count} to {use.resource_label}{by}"


def _details(use: DeprecatedUse) -> tuple[tuple[str, str], ...]:
    details = [("evidence", use.source), ("resource", use.resource_label)]
    if use.removed_release:
        details.append(("removedRelease", use.removed_release))
    if use.requests is not None:
        details.append(("requests", str(use.requests)))
    if use.user_agent:
        details.append(("userAgent", use.user_agent))
    return tuple(details)


def scan_api_requests(reader: ClusterReader | None, scanner: Scanner, audit_log: str | None) -> list[Finding]:
    """Findings from the cluster's /metrics (with a reader) and from an audit log file (when given)."""
    findings: list[Finding] = []
    if audit_log:
        uses = read_audit_uses(audit_log)
        scanner.stats.sources += 1
        findings += usage_findings(uses, scanner, f"audit-log:{audit_log}")
    if reader is not None:
        scanner.stats.sources += 1
        uses = read_metric_uses(reader, scanner.stats.notes)
        findings += usage_findings(uses, scanner, f"cluster:{reader.context}/metrics")
    return findings
