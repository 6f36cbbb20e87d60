"""`fleet scan` for one cluster: server version, target, live objects, Helm releases and API requests.

The same library code as `scan --cluster --releases [--api-requests]`; what fails is recorded as an
error of that cluster with whatever was found before it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kubehop.cluster.scan import ClusterScanOptions, scan_cluster, server_version_of
from kubehop.errors import KubehopError
from kubehop.fleet.model import ClusterReport, FleetMember
from kubehop.fleet.runner import open_reader
from kubehop.lifecycle import Lifecycle
from kubehop.model import Finding
from kubehop.scan import Scanner, ScanOptions


@dataclass(frozen=True)
class FleetScanOptions:
    lifecycle: Lifecycle
    kubeconfig: str | None = None
    target: str | None = None  # for members without their own; None: the server's minor + 1
    skip: frozenset[str] = frozenset()
    only: frozenset[str] = frozenset()
    namespace: str | None = None
    annotations: tuple[str, ...] = ()
    chunk_size: int = 500
    releases: bool = True
    storage: str | None = None
    api_requests: bool = False


def scan_member(member: FleetMember, options: FleetScanOptions, deadline: float) -> ClusterReport:
    reader = open_reader(options.kubeconfig, member.context, deadline, options.chunk_size)
    version = server_version_of(reader)
    text = member.target or options.target
    try:
        target = options.lifecycle.parse_target(text) if text else version.next_minor()
        options.lifecycle.check_target(target)
    except KubehopError as exc:  # e.g. a server newer than kubehop's data: its next minor is unknown
        return ClusterReport(member.context, member.labels, server_version=str(version), target=text or "",
                             errors=(f"context {member.context}: {exc}",))
    scanner = Scanner(ScanOptions(target=target, lifecycle=options.lifecycle, skip=options.skip,
                                  only=options.only))
    findings: list[Finding] = []
    errors: list[str] = []
    try:
        cluster_options = ClusterScanOptions(namespace=options.namespace, annotations=options.annotations)
        for finding in scan_cluster(reader, scanner, cluster_options):
            findings.append(finding)
    except KubehopError as exc:
        errors.append(f"live objects: {exc}")
    if options.releases and time.monotonic() >= deadline:
        errors.append(f"Helm releases: not read: context {member.context}: out of time")
    elif options.releases:
        try:
            findings.extend(_releases(member.context, options, scanner))
        except KubehopError as exc:
            errors.append(f"Helm releases: {exc}")
    if options.api_requests or member.audit_log:
        from kubehop.cluster.usage import scan_api_requests

        try:
            findings.extend(scan_api_requests(reader if options.api_requests else None, scanner, member.audit_log))
        except KubehopError as exc:
            errors.append(f"API requests: {exc}")
    return ClusterReport(member.context, member.labels, server_version=str(version), target=str(target),
                         findings=tuple(findings), errors=tuple(errors), notes=tuple(scanner.stats.notes),
                         documents=scanner.stats.documents, sources=scanner.stats.sources)


def _releases(context: str, options: FleetScanOptions, scanner: Scanner) -> list[Finding]:
    from kubehop.helm.inventory import iter_releases, scan_releases
    from kubehop.helm.storage.base import Query
    from kubehop.helm.storage.select import open_storage

    storage = open_storage(options.storage, kubeconfig=options.kubeconfig, context=context)
    query = Query(namespace=None if storage.helm_major == 2 else options.namespace)
    try:
        return list(scan_releases(iter_releases(storage, query, release_namespace=options.namespace), scanner))
    finally:
        close = getattr(storage, "close", None)
        if close is not None:
            close()
