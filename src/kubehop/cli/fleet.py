"""`kubehop fleet scan` and `kubehop fleet collect`: many clusters, one report."""

from __future__ import annotations

import argparse
from typing import Any

from kubehop.cli.common import REPORT_FORMATS, add_lifecycle_option, write_report
from kubehop.errors import UsageError

HELP = "scan many clusters concurrently, or collect the reports the in-cluster CronJob keeps"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("fleet", help=HELP, description=HELP)
    commands = parser.add_subparsers(dest="fleet_command", metavar="SUBCOMMAND")
    commands.required = True
    scan = commands.add_parser(
        "scan", help="scan every cluster of the fleet (live objects, Helm releases, API requests)",
        description="Read every cluster of the fleet concurrently, as `scan --cluster --releases` reads one.")
    _add_members(scan)
    scan.add_argument("-t", "--target", metavar="VERSION",
                      help="target for clusters without one in the fleet file (default: each server's minor + 1)")
    add_lifecycle_option(scan)
    from kubehop.cli.scan import add_rule_options
    from kubehop.cli.scan_sources import STORAGE_HELP

    add_rule_options(scan)
    scan.add_argument("-n", "--namespace", default=None, help="only this namespace (default: all)")
    scan.add_argument("--annotation", action="append", default=[], metavar="NAME",
                      help="another annotation holding the applied manifest; repeatable")
    scan.add_argument("--chunk-size", type=int, default=500, metavar="N", help="objects per list request")
    scan.add_argument("--no-releases", dest="releases", action="store_false",
                      help="do not read Helm release records")
    scan.add_argument("--storage", metavar="STORAGE", help=f"Helm release storage: {STORAGE_HELP}")
    scan.add_argument("--api-requests", action="store_true",
                      help="also report the deprecated APIs clients still call (each API server's /metrics)")
    _add_output(scan)
    scan.set_defaults(func=run_scan)
    collect = commands.add_parser(
        "collect", help="merge the reports the in-cluster CronJob keeps in a ConfigMap of every cluster",
        description="Read the kubehop-report ConfigMap of every cluster (one get each) and merge the reports.")
    _add_members(collect)
    collect.add_argument("--report-namespace", default="kubehop", metavar="NS",
                         help="namespace of the report ConfigMap (the chart's namespace; default kubehop)")
    collect.add_argument("--report-name", default="kubehop-report", metavar="NAME",
                         help="name of the report ConfigMap (default kubehop-report)")
    collect.add_argument("--max-age", default="26h", metavar="DURATION",
                         help="reports older than this are flagged stale (default 26h; s, m, h, d)")
    collect.add_argument("--fail-on", choices=["removed", "deprecated", "none"], default="deprecated",
                         help="lowest finding that makes the exit code non-zero (default deprecated)")
    _add_output(collect)
    collect.set_defaults(func=run_collect)


def _add_members(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the fleet (one of)")
    which = group.add_mutually_exclusive_group(required=True)
    which.add_argument("--contexts", metavar="A,B,...", help="kubeconfig contexts, comma-separated")
    which.add_argument("--all-contexts", action="store_true", help="every context of the kubeconfig")
    which.add_argument("--fleet", metavar="FILE", help="fleet file: YAML list of {context, target, labels, auditLog}")
    group.add_argument("--selector", metavar="KEY=VALUE,...", help="only clusters whose labels match (fleet file)")
    group.add_argument("--kubeconfig", default=None, help="kubeconfig file (default $KUBECONFIG, ~/.kube/config)")
    group.add_argument("-j", "--jobs", type=int, default=8, metavar="N", help="clusters read at once (default 8)")
    group.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                       help="time allowed per cluster (default 300)")


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", choices=list(REPORT_FORMATS), default="table",
                        help="output format (default table)")
    parser.add_argument("--output-file", metavar="FILE", help="write the report to FILE instead of stdout")


def _members(args: argparse.Namespace) -> list[Any]:
    from kubehop.fleet.members import all_contexts, load_fleet_file, members_from_contexts, select

    if args.jobs < 1:
        raise UsageError(f"-j/--jobs must be at least 1, not {args.jobs}")
    if args.timeout <= 0:
        raise UsageError(f"--timeout must be positive, not {args.timeout:g}")
    if args.fleet:
        members = load_fleet_file(args.fleet)
    elif args.all_contexts:
        members = all_contexts(args.kubeconfig)
    else:
        members = members_from_contexts(args.contexts)
    if args.selector and not args.fleet:
        raise UsageError("--selector filters on the labels of a fleet file: add --fleet FILE")
    return list(select(members, args.selector))


def run_scan(args: argparse.Namespace) -> int:
    from kubehop import __version__
    from kubehop.cli.scan import split_rules
    from kubehop.fleet.model import FleetReport, fleet_exit_code
    from kubehop.fleet.render import render
    from kubehop.fleet.runner import run_jobs
    from kubehop.fleet.scan import FleetScanOptions, scan_member
    from kubehop.lifecycle import Lifecycle

    members = _members(args)
    if args.chunk_size < 1:
        raise UsageError(f"--chunk-size must be at least 1, not {args.chunk_size}")
    lifecycle = Lifecycle.load(args.lifecycle) if args.lifecycle else Lifecycle.default()
    if args.target:
        lifecycle.parse_target(args.target)
    options = FleetScanOptions(
        lifecycle=lifecycle, kubeconfig=args.kubeconfig, target=args.target, skip=split_rules(args.skip),
        only=split_rules(args.only), namespace=args.namespace, annotations=tuple(args.annotation),
        chunk_size=args.chunk_size, releases=args.releases, storage=args.storage, api_requests=args.api_requests)
    clusters = run_jobs(members, lambda member, deadline: scan_member(member, options, deadline),
                        args.jobs, args.timeout)
    report = FleetReport("fleet scan", __version__, tuple(clusters))
    write_report(render(report, args.output), args.output_file)
    return int(fleet_exit_code(report, args.fail_on))


def run_collect(args: argparse.Namespace) -> int:
    from kubehop import __version__
    from kubehop.fleet.collect import CollectOptions, collect_member, parse_max_age
    from kubehop.fleet.model import FleetReport, fleet_exit_code
    from kubehop.fleet.render import render
    from kubehop.fleet.runner import run_jobs

    members = _members(args)
    options = CollectOptions(kubeconfig=args.kubeconfig, namespace=args.report_namespace, name=args.report_name,
                             max_age=parse_max_age(args.max_age))
    clusters = run_jobs(members, lambda member, deadline: collect_member(member, options, deadline),
                        args.jobs, args.timeout)
    report = FleetReport("fleet collect", __version__, tuple(clusters), max_age=args.max_age)
    write_report(render(report, args.output), args.output_file)
    return int(fleet_exit_code(report, args.fail_on))
