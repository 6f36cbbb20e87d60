"""`kubehop lifecycle packs|show`: the add-on lifecycle packs kubehop ships, and the rows of any lifecycle source."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from kubehop.cli.common import write_report

HELP = "list the add-on lifecycle packs (--lifecycle pack:NAME) and show lifecycle rows with their sources"
FORMATS = ("table", "json", "yaml")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("lifecycle", help=HELP, description=HELP)
    commands = parser.add_subparsers(dest="lifecycle_command", metavar="SUBCOMMAND")
    commands.required = True
    packs = commands.add_parser("packs", help="the add-on packs kubehop ships")
    show = commands.add_parser(
        "show", help="the rows of a pack (pack:NAME), of a lifecycle file, or of the shipped data (no argument)")
    show.add_argument("source", nargs="?", metavar="pack:NAME|FILE",
                      help="a pack (pack:cert-manager) or a lifecycle file; default: the shipped Kubernetes data")
    for sub in (packs, show):
        sub.add_argument("-o", "--output", choices=FORMATS, default="table", help="output format (default table)")
        sub.add_argument("--output-file", metavar="FILE", help="write the output to FILE instead of stdout")
    packs.set_defaults(func=run_packs)
    show.set_defaults(func=run_show)


def run_packs(args: argparse.Namespace) -> int:
    from kubehop.lifecycle.packs import load_pack, pack_names

    records: list[dict[str, Any]] = []
    for name in pack_names():
        pack = load_pack(name)
        records.append({"name": f"pack:{name}", "project": pack.project, "rows": len(pack.rows),
                        "newest": str(pack.newest), "description": pack.description})
    if args.output != "table":
        write_report(_dump(records, args.output), args.output_file)
        return 0
    table = _table(("PACK", "PROJECT", "ROWS", "NEWEST", "DESCRIPTION"),
                   [(r["name"], r["project"], str(r["rows"]), r["newest"], r["description"]) for r in records])
    hint = ("\n\nUse with scan, releases scan and check: --lifecycle pack:NAME (as of the add-on's current "
            "releases) or --lifecycle pack:NAME@VERSION (as of the add-on release you run).")
    write_report(table + hint, args.output_file)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kubehop.lifecycle.data import _default_entries, _load_file
    from kubehop.lifecycle.packs import is_pack_spec, parse_spec

    prefix = ""
    if args.source is None:
        rows = list(_default_entries())
    elif is_pack_spec(args.source):
        pack, _ = parse_spec(args.source)
        rows, prefix = list(pack.rows), f"{pack.project} "
    else:
        rows = _load_file(Path(args.source))
    records = [_record(row, prefix) for row in rows]
    if args.output != "table":
        write_report(_dump(records, args.output), args.output_file)
        return 0
    sources: list[str] = []
    lines = []
    for record in records:
        if record["source"] not in sources:
            sources.append(record["source"])
        replacement = record["replacement"] + (f" ({record['replacementAvailableIn']}+)"
                                               if record["replacementAvailableIn"] else "")
        lines.append((record["apiVersion"], record["kind"], record["deprecatedIn"], record["removedIn"],
                      replacement or "(none)", f"[{sources.index(record['source']) + 1}]"))
    table = _table(("API VERSION", "KIND", "DEPRECATED", "REMOVED", "REPLACEMENT", "SOURCE"), lines)
    notes = "\n".join(f"[{number}] {source}" for number, source in enumerate(sources, start=1))
    write_report(f"{table}\n\nSources:\n{notes}", args.output_file)
    return 0


def _record(row: Any, prefix: str) -> dict[str, Any]:
    def version(value: Any) -> str:
        return f"{prefix}{value}" if value is not None else ""

    return {"apiVersion": row.api_version, "kind": row.kind, "deprecatedIn": version(row.deprecated_in),
            "removedIn": version(row.removed_in), "replacement": row.replacement_label,
            "replacementAvailableIn": version(row.replacement_available_in),
            "interim": [{"apiVersion": s.api_version, "kind": s.kind, "from": version(s.served_from),
                         "to": version(s.served_to)} for s in row.interim],
            "source": row.source, "note": row.note, "decision": row.decision}


def _dump(records: Sequence[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(list(records), indent=2) + "\n"
    import yaml

    return str(yaml.safe_dump(list(records), sort_keys=False, allow_unicode=True))


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    from kubehop.report.plain_table import text_table

    return text_table(headers, rows).rstrip("\n")
