"""`kubehop releases list|scan`: Helm 2 and Helm 3 release records in any storage backend."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any

from kubehop.cli.common import (
    REPORT_FORMATS,
    add_lifecycle_option,
    add_output_option,
    add_target_option,
    emit_notes,
    log,
    terminal_meta,
    write_report,
)

HELP = "list, scan, fix, back up and restore Helm 2 and Helm 3 release records (every revision)"
STORAGE_HELP = ("secret | configmap | sql | tiller-configmap | tiller-secret | file:PATH "
                "(default: $HELM_DRIVER as Helm reads it, else secret)")
LIST_FORMATS = ("table", "json", "yaml")


def _add_storage_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("release storage")
    group.add_argument("--storage", metavar="STORAGE", help=STORAGE_HELP)
    group.add_argument("--kubeconfig", default=None, help="kubeconfig file (default $KUBECONFIG, ~/.kube/config)")
    group.add_argument("--context", default=os.environ.get("HELM_KUBECONTEXT"), help="kubeconfig context")
    group.add_argument("-n", "--namespace", default=None,
                       help="release namespace (default: $HELM_NAMESPACE, then the context's, then default; "
                            "Tiller and file stores: all unless given)")
    group.add_argument("-A", "--all-namespaces", action="store_true", help="releases in every namespace")
    group.add_argument("--tiller-namespace", default=None,
                       help="namespace of Tiller's records (default $TILLER_NAMESPACE, then kube-system)")
    group.add_argument("--release", metavar="NAME", help="only this release")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("releases", help=HELP, description=HELP)
    commands = parser.add_subparsers(dest="releases_command", metavar="SUBCOMMAND")
    commands.required = True

    listing = commands.add_parser("list", help="list releases (latest revision of each, or every revision)",
                                  description="List Helm releases from their stored records.")
    _add_storage_options(listing)
    listing.add_argument("--all-revisions", action="store_true", help="one row per stored revision")
    add_output_option(listing, LIST_FORMATS)
    listing.set_defaults(func=run_list)

    scan = commands.add_parser("scan", help="scan every revision's manifest and hooks for removed APIs",
                               description="Run the `kubehop scan` rules over every stored revision.")
    _add_storage_options(scan)
    add_target_option(scan)
    add_lifecycle_option(scan)
    add_output_option(scan, REPORT_FORMATS)
    from kubehop.cli.scan import add_rule_options

    add_rule_options(scan)
    scan.set_defaults(func=run_scan)
    from kubehop.cli.releases_fix import add_fix_parsers

    add_fix_parsers(commands)


def _open(args: argparse.Namespace) -> tuple[Any, Any, str | None]:
    """The storage, the query and the release-namespace filter the options ask for."""
    from kubehop.helm.storage.base import Query
    from kubehop.helm.storage.select import open_storage, storage_spec_from_env

    spec = args.storage or storage_spec_from_env(os.environ)
    storage = open_storage(spec, kubeconfig=args.kubeconfig, context=args.context,
                           tiller_namespace=args.tiller_namespace)
    namespace: str | None = args.namespace
    if namespace is None and not args.all_namespaces and not spec.startswith(("tiller-", "file:")):
        from kubehop.cluster.client import context_namespace

        namespace = os.environ.get("HELM_NAMESPACE") or context_namespace(args.kubeconfig, args.context) or "default"
    if args.all_namespaces:
        namespace = None
    query = Query(name=args.release, namespace=None if storage.helm_major == 2 else namespace)
    return storage, query, namespace


def _stream(args: argparse.Namespace, bad: list[str], warnings: list[str] | None = None) -> Iterator[Any]:
    from kubehop.helm.inventory import iter_releases, mismatch_warning
    from kubehop.helm.release import BadRecord

    storage, query, namespace = _open(args)
    try:
        for item in iter_releases(storage, query, release_namespace=namespace):
            if isinstance(item, BadRecord):
                log.error("skipped unreadable record in %s: %s", item.storage, item.error)  # exit 1: kept by -q
                bad.append(item.key)
            elif (warning := mismatch_warning(item)) is not None:
                if warnings is None:
                    log.warning("warning: %s", warning)
                else:  # a report's note, on stderr after the report
                    warnings.append(warning)
            yield item
    finally:
        close = getattr(storage, "close", None)
        if close is not None:
            close()


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def render_rows(rows: Sequence[Any], fmt: str) -> str:
    # The same envelope conventions as the findings reports (docs/json-output.md).
    # `mismatches` is there only for a record that disagrees with its body (docs/releases.md).
    records = [{_camel(k): list(v) if k == "mismatches" else v for k, v in asdict(r).items()
                if k != "mismatches" or v} for r in rows]
    envelope = {"kubehopResultVersion": "1", "command": "releases list", "releases": records}
    if fmt == "json":
        return json.dumps(envelope, indent=2) + "\n"
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump(envelope, sort_keys=False)
    headers = ("NAME", "NAMESPACE", "REVISION", "STATUS", "CHART", "APP VERSION", "HELM", "STORAGE")
    table = [headers] + [(r.name, r.namespace, str(r.revision), r.status, r.chart, r.app_version,
                          f"v{r.helm_version}", r.storage) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in table]
    return "\n".join(lines) + "\n" if rows else "no releases found\n"


def run_list(args: argparse.Namespace) -> int:
    from kubehop.helm.inventory import latest_only, record_format, summarise
    from kubehop.helm.release import StoredRelease
    from kubehop.model import ExitCode

    bad: list[str] = []
    rows = [summarise(item) for item in _stream(args, bad) if isinstance(item, StoredRelease)]
    if not args.all_revisions:
        rows = latest_only(rows)
    else:
        rows.sort(key=lambda r: (r.namespace, r.name, record_format(r), r.revision))
    write_report(render_rows(rows, args.output), args.output_file)
    return int(ExitCode.ERROR if bad else ExitCode.OK)


def run_scan(args: argparse.Namespace) -> int:
    from kubehop import __version__
    from kubehop.cli.scan import split_rules
    from kubehop.helm.inventory import scan_releases
    from kubehop.lifecycle import Lifecycle
    from kubehop.model import ExitCode
    from kubehop.report import ReportMeta, exit_code_for, render
    from kubehop.scan import Scanner, ScanOptions

    lifecycle = Lifecycle.load(args.lifecycle) if args.lifecycle else Lifecycle.default()
    target = lifecycle.parse_target(args.target)
    scanner = Scanner(ScanOptions(target=target, lifecycle=lifecycle, skip=split_rules(args.skip),
                                  only=split_rules(args.only, "--only")))
    bad: list[str] = []
    warnings: list[str] = []
    findings = list(scan_releases(_stream(args, bad, warnings), scanner))
    meta = ReportMeta(command="releases scan", target=str(target), tool_version=__version__,
                      documents=scanner.stats.documents, sources=scanner.stats.sources,
                      notes=(*scanner.stats.notes, *warnings), **terminal_meta(args))
    write_report(render(findings, args.output, meta), args.output_file)
    emit_notes(meta.notes)
    code = int(exit_code_for(findings, args.fail_on))
    return code if code else int(ExitCode.ERROR if bad else ExitCode.OK)
