"""`kubehop scan`: find removed and deprecated APIs in manifests, directories, stdin and Helm charts."""

from __future__ import annotations

import argparse
import os
import sys

from kubehop.cli.common import (
    REPORT_FORMATS,
    add_lifecycle_option,
    add_output_option,
    add_target_option,
    emit_notes,
    rule_selection,
    terminal_meta,
    write_report,
)

HELP = "find API versions that the target Kubernetes version removes or deprecates"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("scan", help=HELP, description=HELP)
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="manifest file, directory (recursive), chart directory or .tgz, or - for stdin "
                             "(optional with --cluster or --releases)")
    add_target_option(parser, required=False)
    add_lifecycle_option(parser)
    add_output_option(parser, REPORT_FORMATS)
    add_rule_options(parser)
    charts = parser.add_argument_group("charts (rendered with helm template)")
    charts.add_argument("-f", "--values", action="append", default=[], metavar="FILE", help="values file")
    charts.add_argument("--set", action="append", default=[], dest="set_values", metavar="KEY=VAL",
                        help="set a chart value")
    charts.add_argument("-n", "--namespace", default=None,
                        help="namespace to render charts in ($HELM_NAMESPACE); with --cluster/--releases, "
                             "the only namespace scanned")
    charts.add_argument("--release-name", default="release-name", help="release name to render charts with")
    charts.add_argument("--kube-version", metavar="VERSION",
                        help="Kubernetes version charts are rendered for (default: the target)")
    parser.add_argument("--full-parse", action="store_true",
                        help="parse every document, even those no rule needs (finds syntax errors everywhere)")
    from kubehop.cli.scan_sources import add_source_options

    add_source_options(parser)
    parser.set_defaults(func=run)


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--skip", action="append", default=[], metavar="RULE",
                        help="skip a rule, or one finding tag like removed-api[extensions/v1beta1/Ingress]")
    parser.add_argument("--only", action="append", default=[], metavar="RULE", help="run only these rules")
    parser.add_argument("--fail-on", choices=["removed", "deprecated", "none"], default="deprecated",
                        help="lowest finding that makes the exit code non-zero (default deprecated)")


def split_rules(values: list[str], option: str = "--skip") -> frozenset[str]:
    """--skip/--only values; an unknown rule or a malformed finding tag is a usage error."""
    from kubehop.rules import REGISTRY

    return rule_selection(values, REGISTRY, option)


def run(args: argparse.Namespace) -> int:
    from kubehop import __version__
    from kubehop.cli.scan_sources import open_sources, publish_report, scan_sources
    from kubehop.lifecycle import Lifecycle
    from kubehop.manifests.charts import ChartOptions
    from kubehop.model import KubeVersion
    from kubehop.report import ReportMeta, exit_code_for, render
    from kubehop.scan import Scanner, ScanOptions
    from kubehop.scan_paths import scan_paths

    lifecycle = Lifecycle.load(args.lifecycle) if args.lifecycle else Lifecycle.default()
    sources = open_sources(args)
    target = sources.target(args.target, lifecycle)
    scanner = Scanner(ScanOptions(target=target, lifecycle=lifecycle, skip=split_rules(args.skip),
                                  only=split_rules(args.only, "--only"), full_parse=args.full_parse))
    chart_options = ChartOptions(
        values=tuple(args.values), set_values=tuple(args.set_values),
        namespace=args.namespace or os.environ.get("HELM_NAMESPACE"),
        kube_version=KubeVersion.parse(args.kube_version) if args.kube_version else target,
        release_name=args.release_name,
    )
    findings = list(scan_paths(args.paths, scanner, chart_options, sys.stdin)) if args.paths else []
    findings += scan_sources(sources, scanner)
    meta = ReportMeta(command="scan", target=str(target), tool_version=__version__,
                      documents=scanner.stats.documents, sources=scanner.stats.sources,
                      notes=tuple(scanner.stats.notes), server_version=sources.server_version,
                      **terminal_meta(args))
    write_report(render(findings, args.output, meta), args.output_file)
    emit_notes(meta.notes)
    publish_report(args, findings, meta)
    return int(exit_code_for(findings, args.fail_on))

