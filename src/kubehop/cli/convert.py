"""`kubehop convert`: rewrite manifests field by field to what a target Kubernetes version serves."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kubehop.cli.common import add_target_option, write_report
from kubehop.errors import UsageError
from kubehop.model import ExitCode, KubeVersion

_FORMATS = ("table", "json", "yaml", "markdown")
_OLDEST, _NEWEST = KubeVersion(1, 8), KubeVersion(1, 37)


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
    where.add_argument("--write", action="store_true", help="rewrite changed files in place (a backup is kept)")
    where.add_argument("--out-dir", metavar="DIR", help="write every converted file under DIR")
    parser.add_argument(
        "--live", metavar="FILE", action="append", default=[],
        help="exported live objects (kubectl get -o yaml); their selectors are used; repeatable",
    )
    parser.add_argument(
        "--check", action="store_true",
        help="report objects that would still be invalid at the target (exit 3 if any); writes nothing "
        "unless --write or --out-dir is also given",
    )
    parser.add_argument("-o", "--output", choices=_FORMATS, default="table", help="report format (default table)")
    parser.add_argument("--output-file", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.set_defaults(func=run)


def _target(text: str) -> KubeVersion:
    target = KubeVersion.parse(text)
    if not _OLDEST <= target <= _NEWEST:
        raise UsageError(f"target {text} is outside the supported range {_OLDEST}..{_NEWEST}")
    return target


def run(args: argparse.Namespace) -> int:
    from kubehop.convert import convert_manifest
    from kubehop.convert.files import expand_paths, load_live, read_text, replace_with_backup, write_file
    from kubehop.convert.report import change_rows, check_rows, render

    target = _target(args.target)
    live: dict[tuple[str, str, str], Any] = {}
    for live_file in args.live:
        live.update(load_live(Path(live_file)))
    files = expand_paths(args.paths)
    # Convert everything in memory first: a bad input fails the run before anything is written.
    results = [(path, rel, convert_manifest(read_text(path), target, live or None, path=str(path)))
               for path, rel in files]
    rows = [row for path, _rel, result in results for row in change_rows(str(path), result)]
    problems = [row for path, _rel, result in results for row in check_rows(str(path), result.text, target)]

    if args.write:
        for path, _rel, result in results:
            if result.changed:
                backup = replace_with_backup(path, result.text)
                print(f"kubehop: wrote {path} (backup {backup})", file=sys.stderr)
    elif args.out_dir:
        for _path, rel, result in results:
            write_file(Path(args.out_dir) / rel, result.text)
    elif not args.check:
        _print_manifests([result.text for _p, _r, result in results])
        for row in rows:
            if row.message:
                print(f"# kubehop: {row.file}:{row.line} {row.object}: {row.kind}: {row.message}", file=sys.stderr)
        return int(ExitCode.OK)

    if args.check:
        write_report(render(problems, args.output, empty=f"every object is valid at {target}"), args.output_file)
        return int(ExitCode.REMOVED) if problems else int(ExitCode.OK)
    write_report(render(rows, args.output, empty="nothing to convert"), args.output_file)
    return int(ExitCode.OK)


def _print_manifests(texts: list[str]) -> None:
    out = sys.stdout
    for i, text in enumerate(texts):
        if i and not text.startswith("---"):
            out.write("---\n")
        out.write(text)
        if text and not text.endswith("\n"):
            out.write("\n")
