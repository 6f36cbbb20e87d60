"""`kubehop plan`: the minor-by-minor hop, its fixes, control-plane order, checks and rollback, as a runbook."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kubehop.cli.common import add_lifecycle_option, write_report

HELP = "plan an upgrade one minor version at a time: fixes before each step, order, checks and rollback"
DESCRIPTION = (
    "Plan the hop from --from to --to one minor version at a time. Every object found in the inputs "
    "(scan results, manifests, charts, Helm release records) is re-evaluated against the API lifecycle "
    "data at every step. Exit 0: plan produced, nothing blocks; 3: a step is blocked (needs a human "
    "decision); 1: bad input, or an input could not be read (the plan says Status: BLOCKED)."
)
PLAN_FORMATS = ("markdown", "json", "yaml", "shell", "html")
NOTE_RULES = frozenset({"missing-selector", "deprecated-api-group-in-rbac", "hyperkube"})


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from kubehop.cli.releases import _add_storage_options

    parser = subparsers.add_parser("plan", help=HELP, description=DESCRIPTION)
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="manifest file, directory, chart directory or .tgz, or - for stdin")
    parser.add_argument("--from", dest="source", required=True, metavar="VERSION",
                        help="the cluster's version now, e.g. 1.16, v1.16.7 or 1.16.7-eks-1")
    parser.add_argument("--to", dest="target", required=True, metavar="VERSION", help="the version to reach")
    parser.add_argument("--inventory", action="append", default=[], metavar="FILE",
                        help="`kubehop scan -o json` or `kubehop releases scan -o json` output; repeatable")
    parser.add_argument("--releases", action="store_true",
                        help="read Helm release records (every revision) from the release storage below")
    add_lifecycle_option(parser)
    parser.add_argument("-o", "--output", choices=list(PLAN_FORMATS), default="markdown",
                        help="output format (default markdown)")
    parser.add_argument("--output-file", metavar="FILE", help="write the plan to FILE instead of stdout")
    charts = parser.add_argument_group("charts (rendered with helm template at --from)")
    charts.add_argument("-f", "--values", action="append", default=[], metavar="FILE", help="values file")
    charts.add_argument("--set", action="append", default=[], dest="set_values", metavar="KEY=VAL",
                        help="set a chart value")
    charts.add_argument("--release-name", default="release-name", help="release name to render charts with")
    _add_storage_options(parser)
    parser.set_defaults(func=run)


def _read_inventory(path: str, lifecycle: Any) -> Any:
    from kubehop.errors import DataFileError
    from kubehop.plan import from_envelope
    from kubehop.readfile import read_text

    label = "standard input" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else read_text(Path(path))
    except OSError as exc:
        raise DataFileError(f"{label}: cannot read inventory: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{label}: inventory is not UTF-8 text") from exc
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise DataFileError(f"{label}: nested too deeply to be read") from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{label}: not valid JSON (line {exc.lineno}: {exc.msg}); "
                            "give the output of `kubehop scan -o json`") from exc
    return from_envelope(data, label, lifecycle)


def _parse_stream(text: str, base: Any) -> Iterator[Any]:
    from kubehop.manifests import iter_chunks, parse_chunk
    from kubehop.manifests.split import strip_bom

    for chunk in iter_chunks(strip_bom(text)):
        yield from parse_chunk(chunk, base, chart_lines=base.template is not None or base.release is not None)


def _path_documents(args: argparse.Namespace, source: Any) -> Iterator[Any]:
    from kubehop.manifests.charts import ChartOptions, render_chart
    from kubehop.manifests.sources import ChartSource, Skipped, TextSource, iter_sources
    from kubehop.model import Location

    options = ChartOptions(values=tuple(args.values), set_values=tuple(args.set_values), kube_version=source,
                           release_name=args.release_name)
    for item in iter_sources(args.paths, sys.stdin):
        if isinstance(item, TextSource):
            yield from _parse_stream(item.text, Location(path=item.label))
        elif isinstance(item, ChartSource):
            yield from _parse_stream(render_chart(item.path, options), Location(path=str(item.path), template=""))
        elif isinstance(item, Skipped):
            from kubehop.manifests import ParseProblem

            yield ParseProblem(Location(path=item.label), item.reason)


def _release_documents(args: argparse.Namespace) -> Iterator[Any]:
    from dataclasses import replace

    from kubehop.cli.releases import _stream
    from kubehop.helm.manifest_docs import ManifestDocuments
    from kubehop.helm.release import StoredRelease
    from kubehop.manifests import ParseProblem
    from kubehop.model import Location

    bad: list[str] = []
    parsed = ManifestDocuments()  # revisions repeat their documents: each distinct one is parsed once
    for item in _stream(args, bad):
        if not isinstance(item, StoredRelease):
            yield ParseProblem(Location(path=f"{item.storage}:{item.key}"), f"unreadable release record: {item.error}")
            continue
        rel, rec = item.release, item.record
        where = f"{rec.storage}:{rec.namespace}/{rec.key}" if rec.namespace else f"{rec.storage}:{rec.key}"
        base = Location(path=where, release=rel.name, namespace=rel.namespace, revision=rel.version, status=rel.status,
                        storage_key=rec.key)
        yield from parsed.documents(rel.manifest, base, chart_lines=True)
        for hook in rel.hooks:
            yield from parsed.documents(hook.manifest, replace(base, template=hook.path or f"hook {hook.name}"),
                                        chart_lines=True)


def _document_inventory(items: Iterable[Any], lifecycle: Any, target: Any) -> Any:
    from kubehop.plan import from_documents, merge
    from kubehop.plan.inventory import from_findings
    from kubehop.scan import Scanner, ScanOptions

    docs = list(items)
    scanner = Scanner(ScanOptions(target=target, lifecycle=lifecycle, only=NOTE_RULES))
    return merge([from_documents(docs, lifecycle), from_findings(scanner.scan_items(docs))])


def run(args: argparse.Namespace) -> int:
    from kubehop import __version__
    from kubehop.errors import UsageError
    from kubehop.lifecycle import Lifecycle
    from kubehop.model import ExitCode
    from kubehop.plan import build_plan, merge, parse_range
    from kubehop.plan.render import render_plan

    packs = [spec for spec in args.lifecycle if spec.startswith("pack:")]
    if packs:
        # A pack's rows follow the add-on's releases, not the Kubernetes steps a plan walks through.
        raise UsageError(f"--lifecycle {packs[0]}: add-on packs apply to scan, releases scan and check, not to "
                         "plan, which steps through Kubernetes versions")
    lifecycle = Lifecycle.load(args.lifecycle) if args.lifecycle else Lifecycle.default()
    source, target = parse_range(args.source, args.target)
    lifecycle.check_target(source)
    lifecycle.check_target(target)
    if not (args.paths or args.inventory or args.releases):
        raise UsageError("nothing to plan from: give PATHs, --inventory FILE or --releases")
    parts = [_read_inventory(path, lifecycle) for path in args.inventory]
    if args.paths:
        parts.append(_document_inventory(_path_documents(args, source), lifecycle, target))
    if args.releases:
        parts.append(_document_inventory(_release_documents(args), lifecycle, target))
    inventory = merge(parts)
    inputs = tuple(args.paths) + (("releases (" + (args.storage or "$HELM_DRIVER") + ")",) if args.releases else ())
    from dataclasses import replace

    inventory = replace(inventory, inputs=inventory.inputs + inputs)
    chart_args = [arg for f in args.values for arg in ("-f", f)] + [
        arg for kv in args.set_values for arg in ("--set", kv)]
    plan = build_plan(source, target, inventory, lifecycle, paths=tuple(p for p in args.paths if p != "-"),
                      chart_args=chart_args,
                      chart_release="" if args.release_name == "release-name" else args.release_name)
    write_report(render_plan(plan, args.output, __version__), args.output_file)
    # A step needing a decision exits 3; else an input that could not be read makes the plan incomplete (1).
    return int(ExitCode.REMOVED if plan.blocked else ExitCode.ERROR if plan.incomplete else ExitCode.OK)
