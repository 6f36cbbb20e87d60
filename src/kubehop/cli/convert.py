"""`kubehop convert`: rewrite manifests field by field to what a target Kubernetes version serves."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from kubehop.cli.common import (
    add_decision_options,
    add_target_option,
    check_output_file,
    decisions_from_args,
    log,
    write_report,
)
from kubehop.errors import ManifestError, UsageError
from kubehop.model import ExitCode, KubeVersion

_FORMATS = ("table", "json", "yaml", "markdown")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "convert",
        help="convert manifests to the API versions a target Kubernetes version serves",
        description=(
            "Convert every object of the given manifests to the newest API version the target serves, "
            "field by field (selectors, Ingress backends, CRD versions, webhook fields, HPA metrics, ...). "
            "Untouched documents are kept byte for byte. Converted manifests go to stdout unless --write "
            "or --out-dir is given; notes go to stderr (or, with --write/--out-dir/--check, to the report)."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="manifest files or folders (*.yaml, *.yml, *.json)")
    add_target_option(parser)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--write", action="store_true",
                       help="rewrite changed files in place; the original is kept (mode 0600) in --backup-dir")
    where.add_argument("--out-dir", metavar="DIR", help="write every converted file under DIR")
    parser.add_argument(
        "--backup-dir", metavar="DIR",
        help="with --write: where the originals go (default: for a file in a Helm chart, .kubehop-backup/CHART/ "
        "beside the chart's folder, never inside the chart where Helm would render them; else beside the file)",
    )
    parser.add_argument(
        "--live", metavar="FILE", action="append", default=[],
        help="exported live objects (kubectl get -o yaml); their selectors are used; repeatable",
    )
    cluster = parser.add_argument_group("live selectors from a cluster")
    cluster.add_argument(
        "--cluster", action="store_true",
        help="read the selectors of existing workloads from the cluster (GET through apps/v1)",
    )
    cluster.add_argument("--kubeconfig", default=None, help="kubeconfig file ($KUBECONFIG)")
    cluster.add_argument("--context", help="kubeconfig context to use")
    cluster.add_argument(
        "-n", "--namespace", default=None,
        help="namespace of manifests that name none (default: $HELM_NAMESPACE, the context's, then default)",
    )
    parser.add_argument(
        "--check", action="store_true",
        help="report objects that would still be invalid at the target (exit 3 if any); writes nothing "
        "unless --write or --out-dir is also given",
    )
    add_decision_options(parser)
    parser.add_argument("-o", "--output", choices=_FORMATS, default="table", help="report format (default table)")
    parser.add_argument("--output-file", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.set_defaults(func=run)


def _target(text: str) -> KubeVersion:
    from kubehop.lifecycle import Lifecycle

    target = KubeVersion.parse(text)
    newest = Lifecycle.default().newest_known
    if target.major != 1 or not KubeVersion(1, 8) <= target <= newest:
        raise UsageError(f"target {text} is outside 1.8..{newest}, the versions kubehop knows the APIs of")
    return target


def run(args: argparse.Namespace) -> int:
    from kubehop.convert import convert_manifest
    from kubehop.convert.files import expand_paths, load_live, read_text, replace_with_backup, write_file
    from kubehop.convert.report import change_rows, check_rows, render

    target = _target(args.target)
    check_output_file(args.output_file)
    decisions = decisions_from_args(args)
    live: dict[tuple[str, str, str], Any] = {}
    for live_file in args.live:
        live.update(load_live(Path(live_file)))
    skipped: list[str] = []
    files = expand_paths(args.paths, skipped)
    for note in skipped:
        print(f"kubehop: note: {note}", file=sys.stderr)
    texts = [(path, rel, read_text(path)) for path, rel in files]
    if args.cluster:
        for key, obj in _cluster_live(args, [text for _p, _r, text in texts], [str(p) for p, _r, _t in texts]).items():
            live.setdefault(key, obj)  # objects given with --live win
    # Convert everything in memory first: a bad input fails the run before anything is written.
    results = [
        (path, rel, convert_manifest(text, target, live or None, path=str(path), decisions=decisions))
        for path, rel, text in texts
    ]
    rows = [row for path, _rel, result in results for row in change_rows(str(path), result)]
    for _path, _rel, result in results:
        for warning in result.warnings:
            print(f"kubehop: warning: {warning}", file=sys.stderr)

    if not (args.write or args.out_dir or args.check):
        _print_manifests([result.text for _p, _r, result in results])
        quiet = not log.isEnabledFor(logging.WARNING)  # -q
        for row in rows:
            if row.message and not quiet:  # YAML comments, so stderr merged into the stream still parses
                print(f"# kubehop: {row.file}:{row.line} {row.object}: {row.kind}: {row.message}", file=sys.stderr)
        return int(ExitCode.OK)
    written: list[str] = []
    backup_dir = Path(args.backup_dir) if args.backup_dir else None
    if args.write:
        from kubehop.convert.backups import backup_location

        for path, _rel, result in results:
            if result.changed:
                backup_location(path, backup_dir)  # a backup Helm would read is refused before any write
    try:
        if args.write:
            for path, _rel, result in results:
                if result.changed:
                    backup = replace_with_backup(path, result.text, backup_dir)
                    written.append(str(path))
                    log.warning("wrote %s (backup %s)", path, backup)
        elif args.out_dir:
            for _path, rel, result in results:
                write_file(Path(args.out_dir) / rel, result.text)
                written.append(str(Path(args.out_dir) / rel))
    except OSError as exc:
        done = f"; already written: {', '.join(written)}" if written else "; nothing was written"
        raise ManifestError(f"{exc.filename or 'output'}: cannot write: {exc.strerror}{done}") from exc

    if args.check:
        problems = [row for path, _rel, result in results for row in check_rows(str(path), result.text, target)]
        write_report(render(problems, args.output, empty=f"every object is valid at {target}"), args.output_file)
        return int(ExitCode.REMOVED) if problems else int(ExitCode.OK)
    write_report(render(rows, args.output, empty="nothing to convert"), args.output_file)
    return int(ExitCode.OK)


def _cluster_live(args: argparse.Namespace, texts: list[str], paths: list[str]) -> dict[tuple[str, str, str], Any]:
    import os

    from kubehop.cluster.client import api_client, context_name, context_namespace
    from kubehop.cluster.live import ClusterReader
    from kubehop.convert.cluster import fetch_live, workloads_needing_a_selector
    from kubehop.convert.documents import is_object, split_documents

    objects = [obj for text, path in zip(texts, paths, strict=True)
               for obj in (doc.parse(path) for doc in split_documents(text)) if is_object(obj)]
    keys = workloads_needing_a_selector(objects)
    if not keys:
        return {}
    kubeconfig = args.kubeconfig
    namespace = (args.namespace or os.environ.get("HELM_NAMESPACE") or context_namespace(kubeconfig, args.context)
                 or "default")
    reader = ClusterReader(api_client(kubeconfig, args.context), context_name(kubeconfig, args.context))
    return dict(fetch_live(reader, keys, namespace))


def _print_manifests(texts: list[str]) -> None:
    out = sys.stdout
    for i, text in enumerate(texts):
        if i and not text.startswith("---"):
            out.write("---\n")
        out.write(text)
        if text and not text.endswith("\n"):
            out.write("\n")
