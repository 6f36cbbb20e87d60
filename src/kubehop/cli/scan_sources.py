"""`kubehop scan --cluster/--releases`: the live-cluster and Helm-release sources of a scan (CLI side)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubehop.cli.common import log
from kubehop.errors import UsageError

STORAGE_HELP = ("secret | configmap | sql | tiller-configmap | tiller-secret | file:PATH "
                "(default: $HELM_DRIVER as Helm reads it, else secret)")


def add_source_options(parser: argparse.ArgumentParser) -> None:
    cluster = parser.add_argument_group("live cluster (--cluster) and Helm releases (--releases)")
    cluster.add_argument("--cluster", action="store_true",
                         help="scan live objects: the apiVersions their last-applied annotation, managedFields "
                              "and --annotation values show they were written with")
    cluster.add_argument("--releases", action="store_true",
                         help="scan every stored Helm release revision (see `kubehop releases scan`)")
    cluster.add_argument("--kubeconfig", default=None, help="kubeconfig file (default $KUBECONFIG, ~/.kube/config)")
    cluster.add_argument("--context", default=None, help="kubeconfig context (default: the current context)")
    cluster.add_argument("-A", "--all-namespaces", action="store_true",
                         help="every namespace and the cluster-scoped resources (the default without -n)")
    cluster.add_argument("--annotation", action="append", default=[], metavar="NAME",
                         help="another annotation holding the applied manifest, e.g. kapp.k14s.io/original; "
                              "repeatable")
    cluster.add_argument("--chunk-size", type=int, default=500, metavar="N",
                         help="objects per list request (limit/continue paging; default 500)")
    cluster.add_argument("--storage", metavar="STORAGE", help=f"with --releases: {STORAGE_HELP}")
    cluster.add_argument("--tiller-namespace", default=None,
                         help="with --releases: namespace of Tiller's records (default $TILLER_NAMESPACE, kube-system)")
    cluster.add_argument("--report-configmap", metavar="[NAMESPACE/]NAME", default=None,
                         help="also keep the JSON report (gzip+base64 when large) and a Prometheus summary in "
                              "this ConfigMap, created or updated (what the in-cluster CronJob does)")
    add_request_options(cluster)


def add_request_options(group: Any) -> None:
    """Deprecated API requests (`scan --cluster` and `fleet scan`)."""
    group.add_argument("--api-requests", action="store_true",
                       help="with --cluster: also report the deprecated APIs clients still call, from the API "
                            "server's /metrics (apiserver_requested_deprecated_apis)")
    group.add_argument("--audit-log", metavar="FILE", default=None,
                       help="with --cluster: an API server audit log (JSON lines): deprecated API calls by user "
                            "agent (implies --api-requests)")


@dataclass
class Sources:
    """What besides PATHs a scan reads; the cluster reader is opened once and shared."""

    args: argparse.Namespace
    reader: Any = None  # kubehop.cluster.live.ClusterReader when --cluster
    server_version: str = ""  # the cluster's version, when it was read to choose the target

    def target(self, text: str | None, lifecycle: Any) -> Any:
        """--target, or with --cluster and no --target the minor after the server's version."""
        if text:
            return lifecycle.parse_target(text)
        if self.reader is None:
            raise UsageError("--target is required (it may be left out with --cluster: the minor after the "
                             "server's version)")
        from kubehop.cluster.scan import server_version_of

        version = server_version_of(self.reader)
        self.server_version = str(version)
        target = version.next_minor()
        log.warning("no --target given: scanning for %s, the minor after the server's %s (context %s)",
                    target, version, self.reader.context)
        lifecycle.check_target(target)
        return target


def open_sources(args: argparse.Namespace) -> Sources:
    if not args.paths and not args.cluster and not args.releases:
        raise UsageError("nothing to scan: give a PATH, --cluster or --releases")
    if args.namespace and args.all_namespaces:
        raise UsageError("-n/--namespace and -A/--all-namespaces exclude each other")
    if (args.api_requests or args.audit_log) and not args.cluster:
        raise UsageError("--api-requests and --audit-log read a cluster's API requests: add --cluster")
    sources = Sources(args)
    if args.cluster:
        from kubehop.cluster.scan import open_cluster

        sources.reader = open_cluster(args.kubeconfig, args.context, args.chunk_size)
    return sources


def scan_sources(sources: Sources, scanner: Any) -> list[Any]:
    args = sources.args
    findings: list[Any] = []
    if sources.reader is not None:
        from kubehop.cluster.scan import ClusterScanOptions, scan_cluster

        options = ClusterScanOptions(namespace=args.namespace or None, annotations=tuple(args.annotation))
        findings.extend(scan_cluster(sources.reader, scanner, options))
        if args.api_requests or args.audit_log:
            from kubehop.cluster.usage import scan_api_requests

            findings.extend(scan_api_requests(sources.reader, scanner, args.audit_log))
    if args.releases:
        findings.extend(_scan_releases(args, scanner))
    return findings


def _scan_releases(args: argparse.Namespace, scanner: Any) -> Iterator[Any]:
    """Every revision of every release (all namespaces unless -n), through the releases library."""
    from kubehop.helm.inventory import iter_releases, scan_releases
    from kubehop.helm.storage.base import Query
    from kubehop.helm.storage.select import open_storage

    storage = open_storage(args.storage, kubeconfig=args.kubeconfig,
                           context=args.context or os.environ.get("HELM_KUBECONTEXT"),
                           tiller_namespace=args.tiller_namespace)
    namespace = args.namespace or None
    query = Query(namespace=None if storage.helm_major == 2 else namespace)
    try:
        yield from scan_releases(iter_releases(storage, query, release_namespace=namespace), scanner)
    finally:
        close = getattr(storage, "close", None)
        if close is not None:
            close()


def publish_report(args: argparse.Namespace, findings: list[Any], meta: Any) -> None:
    """--report-configmap: store the JSON envelope and the metrics summary in one ConfigMap."""
    if not args.report_configmap:
        return
    import datetime as dt

    from kubehop.cluster.client import api_client, context_namespace
    from kubehop.incluster import ReportTarget, findings_metrics, report_configmap, write_report_configmap
    from kubehop.report import render

    target = ReportTarget.parse(args.report_configmap, context_namespace(args.kubeconfig, args.context))
    now = dt.datetime.now(dt.UTC)
    body = report_configmap(target, render(findings, "json", meta), now, findings_metrics(findings, now, meta.target))
    done = write_report_configmap(api_client(args.kubeconfig, args.context), body)
    log.warning("report %s in ConfigMap %s", done, target)
