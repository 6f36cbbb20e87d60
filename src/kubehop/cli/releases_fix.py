"""`kubehop releases fix | backup | restore-backup`: rewrite Helm release history to a target's APIs, safely."""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path
from typing import Any

from kubehop.cli.common import add_decision_options, add_target_option, decisions_from_args

STORAGE_HELP = ("secret | configmap | sql | tiller-configmap | tiller-secret | file:PATH "
                "(default: $HELM_DRIVER as Helm reads it, else secret)")


def _add_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("release", nargs="?", metavar="RELEASE", help="the release to work on")
    parser.add_argument("--all", action="store_true",
                        help="every release in the selected namespace(s) (implied by fix --dry-run without RELEASE)")
    _add_storage(parser)
    parser.add_argument("-n", "--namespace", default=None,
                        help="release namespace (default: $HELM_NAMESPACE, then the context's, then default; "
                             "Tiller and file stores: all unless given)")
    parser.add_argument("-A", "--all-namespaces", action="store_true", help="releases in every namespace")


def _add_storage(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("release storage")
    group.add_argument("--storage", metavar="STORAGE", help=STORAGE_HELP)
    group.add_argument("--kubeconfig", default=None, help="kubeconfig file (default $KUBECONFIG, ~/.kube/config)")
    group.add_argument("--context", default=os.environ.get("HELM_KUBECONTEXT"), help="kubeconfig context")
    group.add_argument("--tiller-namespace", default=None,
                       help="namespace of Tiller's records (default $TILLER_NAMESPACE, then kube-system)")


def add_fix_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fix = commands.add_parser(
        "fix", help="rewrite release records to the APIs a target Kubernetes version serves",
        description="Convert the manifest and hooks of each release's deployed revision to the target's APIs "
                    "and store them as a new deployed revision (the old one becomes superseded). Every record "
                    "touched is saved to a backup file first.")
    _add_selection(fix)
    add_target_option(fix)
    fix.add_argument("--dry-run", action="store_true", help="show diffs and conversions; write nothing")
    fix.add_argument("--revisions", choices=("latest", "all"), default="latest",
                     help="all: also rewrite older revisions in place, so rollbacks to them work (default latest)")
    fix.add_argument("--force", action="store_true",
                     help="fix releases with an operation in progress (pending-*) or whose records disagree with "
                          "their bodies (namespace, key, labels); the fix goes where Helm looks: the records' "
                          "namespace and name, above every stored revision number")
    fix.add_argument("--backup", metavar="FILE",
                     help="backup file to create (default ./kubehop-releases-backup-<time>.jsonl)")
    fix.add_argument("--live", metavar="FILE", action="append", default=[],
                     help="exported live objects (kubectl get -o yaml): workloads get their exact live selector "
                          "where the old API defaulted it; repeatable")
    add_decision_options(fix)
    fix.add_argument("-o", "--output", choices=("table", "json"), default="table",
                     help="summary format (json: one object per release; a dry run then prints no diffs)")
    fix.set_defaults(func=run_fix)

    backup = commands.add_parser("backup", help="save release records to a backup file (mode 0600)",
                                 description="Save every revision of the selected releases, as stored, to a "
                                             "backup file that `releases restore-backup` puts back.")
    _add_selection(backup)
    backup.add_argument("--backup", metavar="FILE",
                        help="backup file to create (default ./kubehop-releases-backup-<time>.jsonl)")
    backup.set_defaults(func=run_backup)

    restore = commands.add_parser("restore-backup", help="put the records of a backup file back exactly",
                                  description="Write every saved record back as it was and remove the revisions "
                                              "kubehop created after the backup was taken.")
    restore.add_argument("file", metavar="FILE", help="a backup file written by `releases fix` or `releases backup`")
    _add_storage(restore)
    restore.add_argument("--force", action="store_true",
                         help="restore even when newer revisions were written after the backup, or a revision "
                              "the fix created was changed since")
    restore.set_defaults(func=run_restore)


def _open(args: argparse.Namespace, spec: str | None = None) -> Any:
    from kubehop.helm.storage.select import open_storage

    return open_storage(spec or args.storage, kubeconfig=args.kubeconfig, context=args.context,
                        tiller_namespace=args.tiller_namespace)


def _file_text(storage: object) -> str | None:
    """A file: store's whole text, which the backup keeps so that a restore gives the file back byte for byte."""
    from kubehop.helm.storage.file import FileStorage
    from kubehop.readfile import read_text

    if not isinstance(storage, FileStorage):
        return None
    try:
        return read_text(storage.path)
    except (OSError, UnicodeDecodeError):
        return None  # the fix itself reports what is wrong with the file


def _selection(args: argparse.Namespace) -> Any:
    from kubehop.errors import UsageError
    from kubehop.fix import Selection
    from kubehop.helm.storage.select import storage_spec_from_env

    if args.release and args.all:
        raise UsageError("name one RELEASE or pass --all, not both")
    if not args.release and not args.all and not getattr(args, "dry_run", False):
        raise UsageError("name one RELEASE or pass --all (a --dry-run without either looks at every release)")
    spec = args.storage or storage_spec_from_env(os.environ)
    namespace: str | None = args.namespace
    if args.all_namespaces:
        namespace = None
    elif namespace is None and not spec.startswith(("tiller-", "file:")):
        from kubehop.cluster.client import context_namespace

        namespace = os.environ.get("HELM_NAMESPACE") or context_namespace(args.kubeconfig, args.context) or "default"
    return Selection(release=args.release, namespace=namespace)


def _close(storage: Any) -> None:
    close = getattr(storage, "close", None)
    if close is not None:
        close()


class _Progress:
    """A one-line counter on stderr, only when stderr is a terminal (and not with -q)."""

    def __init__(self) -> None:
        import logging

        self.enabled = sys.stderr.isatty() and logging.getLogger("kubehop").isEnabledFor(logging.WARNING)
        self.done = 0

    def step(self, outcome: str) -> None:
        self.done += 1
        if self.enabled:
            sys.stderr.write(f"\rreleases done: {self.done} (last: {outcome})\033[K")
            sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled and self.done:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _live(files: list[str]) -> Any:
    """The --live files' objects, indexed for the converters (None without --live)."""
    if not files:
        return None
    from kubehop.convert.files import load_live

    live: dict[Any, Any] = {}
    for name in files:
        live.update(load_live(Path(name)))
    return live


def run_fix(args: argparse.Namespace) -> int:
    from kubehop.fix import FixOptions, Outcome, fix_releases
    from kubehop.fix.backup import BackupWriter, default_backup_path
    from kubehop.fix.render import render_json, render_plan, render_summary
    from kubehop.lifecycle import Lifecycle
    from kubehop.model import ExitCode

    target = Lifecycle.default().parse_target(args.target)
    selection = _selection(args)
    options = FixOptions(target=target, all_revisions=args.revisions == "all", force=args.force,
                         decisions=decisions_from_args(args), live=_live(args.live))
    now = datetime.datetime.now(datetime.UTC)
    storage = _open(args)
    backup = None if args.dry_run else BackupWriter(Path(args.backup) if args.backup else default_backup_path(now),
                                                   storage.name, file_text=_file_text(storage))
    progress = _Progress()

    def report(plan: Any, result: Any) -> None:
        if args.dry_run and args.output == "table":
            text = render_plan(plan, result) if plan is not None else \
                f"=== {result.namespace}/{result.name}: {result.outcome.value}: {result.detail}\n"
            sys.stdout.write(text)
            sys.stdout.flush()
        progress.step(result.outcome.value)

    try:
        results = fix_releases(storage, selection, options, backup, now=now, report=report)
    finally:
        progress.finish()
        if backup is not None:
            backup.close()
        _close(storage)
    if args.dry_run and args.output == "table":
        sys.stdout.write("\n")
    elif backup is not None and (backup.records or backup.created):
        sys.stderr.write(f"kubehop: backup of {backup.records} record(s) and {backup.created} new revision key(s) "
                         f"written to {backup.path} (restore with: kubehop releases restore-backup {backup.path})\n")
    if not results:
        sys.stdout.write(f"no release {'named ' + selection.release if selection.release else ''} found\n"
                         .replace("  ", " "))
        return int(ExitCode.ERROR) if selection.release else int(ExitCode.OK)
    if args.output == "json":
        sys.stdout.write(render_json(results.values(), dry_run=args.dry_run))
    else:
        sys.stdout.write(render_summary(results.values(), dry_run=args.dry_run))
    failed = any(r.outcome in (Outcome.FAILED, Outcome.NOT_FIXED) for r in results.values())
    return int(ExitCode.ERROR if failed else ExitCode.OK)


def run_backup(args: argparse.Namespace) -> int:
    from kubehop.fix import backup_releases
    from kubehop.fix.backup import BackupWriter, default_backup_path
    from kubehop.model import ExitCode

    selection = _selection(args)
    now = datetime.datetime.now(datetime.UTC)
    storage = _open(args)
    writer = BackupWriter(Path(args.backup) if args.backup else default_backup_path(now), storage.name)
    try:
        count, bad = backup_releases(storage, selection, writer)
    finally:
        writer.close()
        _close(storage)
    for problem in bad:
        sys.stderr.write(f"kubehop: not backed up, unreadable record {problem}\n")
    if not count:
        sys.stdout.write("no release found; nothing backed up\n")
        return int(ExitCode.ERROR)
    sys.stdout.write(f"backed up {writer.records} record(s) of {count} release(s) to {writer.path}\n")
    return int(ExitCode.ERROR if bad else ExitCode.OK)


def run_restore(args: argparse.Namespace) -> int:
    from kubehop.errors import UsageError
    from kubehop.fix.backup import read_backup
    from kubehop.fix.restore import restore_backup
    from kubehop.model import ExitCode
    from kubehop.report.plain_table import text_table

    backup = read_backup(Path(args.file))
    spec = args.storage or backup.storage
    if not spec:
        raise UsageError(f"{args.file}: the backup names no storage; pass --storage")
    if args.tiller_namespace is None:  # Tiller's records go back where they were saved from
        args.tiller_namespace = next((e.namespace for e in backup.entries if e.helm_major == 2), None)
    storage = _open(args, spec)
    try:
        results = restore_backup(backup, storage, force=args.force)
    finally:
        _close(storage)
    rows = [(r.release, r.namespace, f"v{r.helm_major}", r.outcome, r.detail) for r in results]
    sys.stdout.write(text_table(("RELEASE", "NAMESPACE", "HELM", "RESULT", "DETAIL"), rows) if rows
                     else "the backup holds no records\n")
    return int(ExitCode.OK if all(r.outcome == "restored" for r in results) else ExitCode.ERROR)
