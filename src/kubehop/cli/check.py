"""`kubehop check upgrade|rollback`: predict what the apiserver will reject before Helm runs."""

from __future__ import annotations

import argparse
import os

from kubehop.cli.common import (
    add_lifecycle_option,
    add_output_option,
    emit_notes,
    rule_selection,
    terminal_meta,
    write_report,
)

HELP = "pre-flight a helm upgrade or rollback: immutable fields, selectors, API group moves"
STORAGE_HELP = ("secret | configmap | sql | tiller-configmap | tiller-secret | file:PATH "
                "(default: $HELM_DRIVER as Helm reads it, else secret)")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("release", metavar="RELEASE", help="the Helm release name")
    parser.add_argument("--current-manifest", metavar="FILE",
                        help="the manifest Helm diffs against (the current revision's, e.g. `helm get manifest`); "
                             "default: read it from the release storage")
    live = parser.add_mutually_exclusive_group()
    live.add_argument("--live", metavar="FILE", help="the live objects, exported (kubectl get ... -o yaml)")
    live.add_argument("--cluster", action="store_true",
                      help="read the live objects, server version and StorageClasses from the cluster")
    parser.add_argument("--force", action="store_true", help="model `--force` (a PUT in Helm 3)")
    parser.add_argument("--kube-version", metavar="VERSION",
                        help="the cluster's Kubernetes version (default: the server's with --cluster)")
    parser.add_argument("--helm-version", metavar="VERSION",
                        help="the Helm whose behaviour to model (default: the installed helm; 2.17 for Tiller "
                             "records)")
    group = parser.add_argument_group("release storage and cluster access")
    group.add_argument("--storage", metavar="STORAGE", help=STORAGE_HELP)
    group.add_argument("--kubeconfig", default=None, help="kubeconfig file (default $KUBECONFIG, ~/.kube/config)")
    group.add_argument("--context", default=os.environ.get("HELM_KUBECONTEXT"), help="kubeconfig context")
    group.add_argument("-n", "--namespace", default=None,
                       help="release namespace (default: $HELM_NAMESPACE, then the context's, then default)")
    group.add_argument("--tiller-namespace", default=None,
                       help="namespace of Tiller's records (default $TILLER_NAMESPACE, then kube-system)")
    parser.add_argument("--skip", action="append", default=[], metavar="RULE",
                        help="leave out a rule's findings, or one finding tag like selector-missing[DaemonSet/x]; "
                             "repeatable, comma-separated")
    add_lifecycle_option(parser)
    add_output_option(parser)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("check", help=HELP, description=HELP)
    commands = parser.add_subparsers(dest="check_command", metavar="SUBCOMMAND")
    commands.required = True

    upgrade = commands.add_parser(
        "upgrade", help="check `helm upgrade RELEASE` with a manifest or chart",
        description="Compare the manifest `helm upgrade` would apply with the current revision (Helm's 3-way "
                    "merge) and the live objects; exit 3 when the apiserver will reject something.")
    _common(upgrade)
    source = upgrade.add_mutually_exclusive_group(required=True)
    source.add_argument("--manifest", metavar="FILE", help="the rendered manifest to apply")
    source.add_argument("--chart", metavar="CHART", help="a chart directory or .tgz, rendered with `helm template`")
    upgrade.add_argument("-f", "--values", action="append", default=[], metavar="FILE", help="values file (chart)")
    upgrade.add_argument("--set", dest="set_values", action="append", default=[], metavar="KEY=VALUE",
                         help="value override (chart)")
    upgrade.set_defaults(func=run, operation="upgrade", to_revision=0)

    rollback = commands.add_parser(
        "rollback", help="check `helm rollback RELEASE N`",
        description="Compare revision N with the current revision and the live objects; exit 3 when the "
                    "apiserver will reject something.")
    _common(rollback)
    rollback.add_argument("--to-revision", type=int, default=0, metavar="N",
                          help="the revision to roll back to (default: the one before the current)")
    rollback.add_argument("--manifest", metavar="FILE",
                          help="revision N's manifest, instead of reading it from storage")
    rollback.set_defaults(func=run, operation="rollback", chart=None, values=[], set_values=[])


def run(args: argparse.Namespace) -> int:
    from kubehop import __version__
    from kubehop.check import rules
    from kubehop.check.change import Operation
    from kubehop.check.render import render_check
    from kubehop.check.session import CheckRequest, execute, skip_findings
    from kubehop.errors import UsageError
    from kubehop.report import ReportMeta, exit_code_for

    if args.to_revision < 0:
        raise UsageError("--to-revision must be 0 or a revision number")
    request = CheckRequest(
        operation=Operation(args.operation), release=args.release, namespace=args.namespace,
        manifest=args.manifest, chart=args.chart, values=tuple(args.values), set_values=tuple(args.set_values),
        current_manifest=args.current_manifest, to_revision=args.to_revision, live_file=args.live,
        cluster=args.cluster, force=args.force, kube_version=args.kube_version, helm_version=args.helm_version,
        storage=args.storage, kubeconfig=args.kubeconfig, context=args.context,
        tiller_namespace=args.tiller_namespace, lifecycle_files=tuple(args.lifecycle),
    )
    skip = tuple(sorted(rule_selection(args.skip, rules.REGISTRY, "--skip", "check rule")))
    outcome = skip_findings(execute(request), skip)
    meta = ReportMeta(command=f"check {args.operation}", target=str(outcome.context.kube_version or ""),
                      tool_version=__version__, documents=len(outcome.report.changes), sources=1,
                      notes=outcome.notes, **terminal_meta(args))
    write_report(render_check(outcome, args.output, meta), args.output_file)
    emit_notes(meta.notes)
    return int(exit_code_for(outcome.report.findings, "removed"))
