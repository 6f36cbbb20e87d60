"""Options shared by several commands, so every command spells them the same way."""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import sys
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from kubehop.errors import UsageError

FINDING_FORMATS = ("table", "json", "yaml", "markdown", "csv", "sarif", "junit")
_RULE_OR_TAG = re.compile(r"([a-z0-9][a-z0-9-]*)(?:\[[^\[\]]+\])?")

REPORT_FORMATS = (*FINDING_FORMATS, "html")  # scan and releases scan: the findings reports with a page

log = logging.getLogger("kubehop")


def add_output_option(parser: argparse.ArgumentParser, formats: Sequence[str] = FINDING_FORMATS) -> None:
    parser.add_argument(
        "-o", "--output", choices=list(formats), default=formats[0], help=f"output format (default {formats[0]})"
    )
    parser.add_argument("--output-file", metavar="FILE", help="write the report to FILE instead of stdout")
    if tuple(formats) in (FINDING_FORMATS, REPORT_FORMATS):  # the findings table
        parser.add_argument("--wide", action="store_true",
                            help="table: every column in full, however wide (default: fit the terminal, $COLUMNS)")


def terminal_meta(args: argparse.Namespace) -> dict[str, Any]:
    """The table's width and colour (kubehop.report.ReportMeta fields) for where the report goes.

    Width: none with --wide or --output-file, else $COLUMNS, else the terminal's when stdout is one
    (a pipe gets whole rows). Colour: only on a terminal, never with NO_COLOR set (https://no-color.org).
    """
    to_terminal = not args.output_file and sys.stdout.isatty()
    width: int | None = None
    columns = os.environ.get("COLUMNS", "")
    if getattr(args, "wide", False) or args.output_file:
        width = None
    elif columns.isdigit() and int(columns) > 0:
        width = int(columns)
    elif to_terminal:
        width = shutil.get_terminal_size().columns
    return {"width": width, "color": to_terminal and not os.environ.get("NO_COLOR")}


def emit_notes(notes: Sequence[str]) -> None:
    """Notes of a report go to stderr after it (hidden by -q); the json/yaml envelope also carries them."""
    for note in notes:
        log.warning("note: %s", note)


def rule_selection(values: Sequence[str], known: Collection[str], option: str, noun: str = "rule") -> frozenset[str]:
    """--skip/--only values (repeatable, comma-separated): rule IDs or finding tags `rule[detail]`.

    An unknown rule or a malformed tag is a usage error, never silently matched against nothing.
    """
    chosen = frozenset(part.strip() for value in values for part in value.split(",") if part.strip())
    for item in sorted(chosen):
        match = _RULE_OR_TAG.fullmatch(item)
        if match is None:
            raise UsageError(f"{option} {item}: not a rule ID or a finding tag like removed-api[extensions/v1beta1/"
                             "Ingress]")
        if match.group(1) not in known:
            raise UsageError(f"{option} {item}: no such {noun} {match.group(1)!r} (known: {', '.join(sorted(known))})")
    return chosen


def add_target_option(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument(
        "-t", "--target", required=required, metavar="VERSION",
        help="target Kubernetes version, e.g. 1.22, v1.22.3 or 1.22.0-eks-1",
    )


def add_lifecycle_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lifecycle", action="append", default=[], metavar="FILE|pack:NAME",
        help="extra API lifecycle rows: a file (same format as the shipped data file) or an add-on pack "
             "(pack:NAME or pack:NAME@VERSION; see kubehop lifecycle packs); repeatable",
    )


def add_cluster_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("cluster access")
    group.add_argument("--kubeconfig", default=None, help="kubeconfig file (default: $KUBECONFIG, ~/.kube/config)")
    group.add_argument("--context", help="kubeconfig context to use")
    group.add_argument(
        "-n", "--namespace", default=None,
        help="namespace (default: $HELM_NAMESPACE, then the context's namespace)",
    )
    group.add_argument("-A", "--all-namespaces", action="store_true", help="every namespace")


def check_output_file(output_file: str | None) -> None:
    """Refuse an --output-file that cannot be written (a directory, or in a missing one) before any work."""
    if output_file and (Path(output_file).is_dir() or not Path(output_file).parent.is_dir()):
        where = "is a directory" if Path(output_file).is_dir() else "its directory does not exist"
        raise UsageError(f"{output_file}: cannot write the report: {where}")


def write_report(text: str, output_file: str | None) -> None:
    """Standard output, or FILE whole or not at all (a crash never leaves half a report)."""
    if output_file:
        check_output_file(output_file)
        from kubehop.fsutil import write_atomically

        path = Path(output_file)
        try:
            if path.exists() and not path.is_file():  # a device or a pipe: nothing to rename over
                path.write_text(text, encoding="utf-8")
            else:
                write_atomically(path, text, mode=0o644)
        except OSError as exc:
            raise UsageError(f"{output_file}: cannot write the report: {exc.strerror or exc}") from exc
    else:
        sys.stdout.write(text)
        if text and not text.endswith("\n"):
            sys.stdout.write("\n")


def existing_file(path: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{path}: no such file")
    return p


def add_decision_options(parser: argparse.ArgumentParser) -> None:
    """Answers to questions a converter must not guess; without them the output keeps a decision note."""
    group = parser.add_argument_group(
        "decisions", "answers kubehop must not guess; without them the object keeps a decision note"
    )
    group.add_argument(
        "--signer-name", metavar="SIGNER",
        help="CSR spec.signerName where it is unset or kubernetes.io/legacy-unknown "
        "(e.g. kubernetes.io/kube-apiserver-client)",
    )
    group.add_argument(
        "--webhook-side-effects", choices=("None", "NoneOnDryRun"),
        help="sideEffects of admission webhooks whose sideEffects is Unknown, Some or unset",
    )
    group.add_argument(
        "--crd-preserve-untyped-fields", action="store_true",
        help="in CRD schemas, mark every field without a type x-kubernetes-preserve-unknown-fields "
        "(the root gets type: object), so a non-structural v1beta1 schema becomes structural",
    )


def decisions_from_args(args: argparse.Namespace) -> Any:
    """The kubehop.convert.Decisions given on the command line."""
    from kubehop.convert.model import Decisions

    return Decisions(
        signer_name=args.signer_name,
        webhook_side_effects=args.webhook_side_effects,
        crd_preserve_untyped_fields=args.crd_preserve_untyped_fields,
    )
