"""Scan a live cluster: list what the lifecycle cares about, turn each object's evidence into documents.

A finding from a live object says where (`cluster:<context>/<namespace>/<resource>/<name>#<evidence>`)
and from which evidence (details `evidence`, `freshness:*`, `writer:*`, `managedFields:<manager>`).
Evidence from managedFields carries only an apiVersion, so only the apiVersion rules look at it; an
annotation holds a whole manifest and goes through every rule. A possibly stale annotation is reported
as a warning, not as removed/deprecated: the object has been written differently since.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from kubehop.cluster.client import context_name
from kubehop.cluster.discovery import ServedResource, groups_to_discover, plan_lists, wanted_kinds
from kubehop.cluster.evidence import Evidence, LiveRef, object_evidence, served_evidence
from kubehop.cluster.live import ClusterReader
from kubehop.errors import ClusterRequestError, ResourceForbiddenError
from kubehop.lifecycle import ApiStatus
from kubehop.model import Document, Finding, KubeVersion, Location, Severity
from kubehop.rules import REGISTRY
from kubehop.scan import Scanner, ScanOptions

API_RULES = frozenset({"removed-api", "deprecated-api"})


@dataclass(frozen=True)
class ClusterScanOptions:
    namespace: str | None = None  # None: every namespace and the cluster-scoped resources
    annotations: tuple[str, ...] = ()


def open_cluster(kubeconfig: str | None, context: str | None, chunk_size: int = 500) -> ClusterReader:
    """A reader for the kubeconfig ($KUBECONFIG, ~/.kube/config, in-cluster) and context."""
    from kubehop.cluster.client import api_client

    if chunk_size < 1:
        from kubehop.errors import UsageError

        raise UsageError(f"--chunk-size must be at least 1, not {chunk_size}")
    return ClusterReader(api_client(kubeconfig, context), context_name(kubeconfig, context), chunk_size)


def server_version_of(reader: ClusterReader) -> KubeVersion:
    """The server's version from GET /version (gitVersion, vendor suffixes such as -eks-... allowed)."""
    from kubehop.errors import ClusterError, UsageError

    info = reader.get("/version", what="GET /version")
    try:
        return KubeVersion.parse(str(info.get("gitVersion") or ""))
    except UsageError as exc:
        raise ClusterError(f"context {reader.context}: cannot read the server version: {exc}") from exc


def scan_cluster(reader: ClusterReader, scanner: Scanner, options: ClusterScanOptions) -> Iterator[Finding]:
    notes = scanner.stats.notes
    api_only = Scanner(replace(scanner.options, skip=scanner.options.skip | (frozenset(REGISTRY) - API_RULES)))
    seen: set[str] = set()  # uids: one stored object listed through two groups is scanned once
    for resource in _resources(reader, scanner.options, notes):
        if options.namespace and not resource.namespaced:
            continue
        scanner.stats.sources += 1
        try:
            yield from _scan_resource(reader, resource, scanner, api_only, options, seen)
        except ResourceForbiddenError as exc:
            notes.append(f"skipped {resource.label}: {exc} (grant list on it to scan it)")
        except ClusterRequestError as exc:
            notes.append(f"skipped {resource.label}: {exc}")
    if options.namespace:
        notes.append(f"namespace {options.namespace} only: cluster-scoped resources were not scanned")
    notes.append("live objects are served converted: the evidence of how they were written is their "
                 "last-applied/tool annotations and managedFields; the storage version is only visible in "
                 "etcd (kubehop etcd inspect)")


def _resources(reader: ClusterReader, options: ScanOptions, notes: list[str]) -> list[ServedResource]:
    wanted = wanted_kinds(options.lifecycle, options.target)
    groups = reader.discover_groups()
    served: list[ServedResource] = []
    for group, version in groups_to_discover(groups, wanted):
        try:
            served.extend(reader.discover_resources(group, version))
        except ClusterRequestError as exc:  # an aggregated API that is down must not hide the rest
            notes.append(f"skipped {group}/{version}: {exc}")
    return plan_lists(groups, served, wanted, options.lifecycle)


def _scan_resource(reader: ClusterReader, resource: ServedResource, scanner: Scanner, api_only: Scanner,
                   options: ClusterScanOptions, seen: set[str]) -> Iterator[Finding]:
    skipped: list[str] = []
    vanishes = _kind_vanishes(resource, scanner.options)
    for obj in reader.list_objects(resource, options.namespace):
        meta = obj["metadata"]
        uid = str(meta.get("uid") or f"{resource.kind}/{meta.get('namespace')}/{meta.get('name')}")
        if uid in seen:
            continue
        seen.add(uid)
        ref = LiveRef(resource.group, resource.version, resource.resource, resource.kind,
                      str(meta.get("namespace") or ""), str(meta.get("name") or ""))
        found = object_evidence(obj, resource.kind, options.annotations)
        skipped.extend(f"{ref.namespace + '/' if ref.namespace else ''}{ref.name}: {p}" for p in found.problems)
        evidence_found = list(found.evidence)
        if vanishes and all(e.api_version != resource.api_version for e in evidence_found):
            evidence_found.append(served_evidence(obj, resource.api_version, resource.kind))
        for evidence in evidence_found:
            scanner.stats.documents += 1
            where = f"{ref.path(reader.context)}#{evidence.primary}" + (":possibly-stale" if evidence.stale else "")
            doc = Document(evidence.body, Location(path=where, namespace=ref.namespace or None))
            rules = api_only if evidence.primary.startswith(("managedFields:", "served")) else scanner
            for finding in rules.scan_document(doc):
                yield _with_evidence(finding, evidence, ref)
    if skipped:
        shown = "; ".join(skipped[:3]) + (f"; and {len(skipped) - 3} more" if len(skipped) > 3 else "")
        scanner.stats.notes.append(f"{resource.label}: ignored annotations: {shown}")


def _kind_vanishes(resource: ServedResource, options: ScanOptions) -> bool:
    """The best version the cluster serves the kind at is removed at the target with no replacement
    (PodSecurityPolicy at 1.25): every object of it is lost, however it was written."""
    entry = options.lifecycle.lookup(resource.api_version, resource.kind)
    return (entry is not None and entry.status_at(options.target) is ApiStatus.REMOVED
            and not entry.replacement_api_version)


def _with_evidence(finding: Finding, evidence: Evidence, ref: LiveRef) -> Finding:
    details = (("evidence", ",".join(evidence.sources)), ("resource", ref.resource_label),
               ("servedAs", f"{ref.group}/{ref.version}" if ref.group else ref.version), *evidence.details)
    if not evidence.stale:
        return replace(finding, details=finding.details + details)
    severity = min(finding.severity, Severity.WARNING)
    message = f"{finding.message} (possibly stale annotation: {evidence.stale})"
    return replace(finding, severity=severity, message=message, details=finding.details + details)
