"""`kubehop etcd backup`: health and quorum first, then `etcdctl snapshot save`, verify, sidecar.

The snapshot lands under a temporary name, is verified (SHA-256 trailer, full bbolt walk) and only
then renamed to OUT (mode 0600); an existing OUT is never overwritten. The sidecar OUT.meta.json
records what a later restore needs to know: versions, revision, members, checksum.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kubehop.errors import EtcdError, UsageError
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.mvcc import cluster_version
from kubehop.etcd.status import snapshot_status
from kubehop.etcd.tools import Connection, EtcdTool, etcdctl_json, run_tool
from kubehop.etcd.verify import verify_snapshot
from kubehop.fsutil import write_atomically

SIDECAR_SUFFIX = ".meta.json"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MemberHealth:
    endpoint: str
    healthy: bool
    error: str = ""


@dataclass(frozen=True)
class ClusterState:
    members: tuple[dict[str, Any], ...]
    health: tuple[MemberHealth, ...]
    list_error: str = ""  # why `member list` failed, when it did

    @property
    def quorum(self) -> bool:
        healthy = sum(1 for h in self.health if h.healthy)
        return healthy > len(self.members) // 2 if self.members else healthy > 0

    @property
    def all_healthy(self) -> bool:
        return bool(self.health) and all(h.healthy for h in self.health)


@dataclass(frozen=True)
class BackupResult:
    path: str
    sidecar: str
    endpoint: str
    size: int
    sha256: str
    revision: int
    hash: int
    total_keys: int
    server_version: str
    etcdctl_version: str
    members: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())


def _with_timeout(conn: Connection, timeout: str) -> Connection:
    return Connection(conn.endpoints, conn.cacert, conn.cert, conn.key, conn.user, timeout)


def cluster_state(etcdctl: EtcdTool, conn: Connection) -> ClusterState:
    """Member list and the health of every member (one etcdctl call, which probes them in parallel)."""
    short = _with_timeout(conn, conn.probe_timeout)
    list_error = ""
    try:
        listing = etcdctl_json(etcdctl, short, ["member", "list"])
    except EtcdError as exc:  # no quorum (the list is linearizable) or nothing reachable: judge the endpoints
        log.debug("member list failed, checking the given endpoints only: %s", exc)
        listing, list_error = {}, str(exc)
    found = listing.get("members", []) if isinstance(listing, dict) else []
    members = tuple(sorted(found, key=lambda m: str(m.get("name", ""))))
    urls = [u for m in members for u in m.get("clientURLs", [])[:1]] or list(conn.endpoints)
    answer = etcdctl_json(etcdctl, short, ["endpoint", "health"], endpoints=urls, check=False)
    by_url = {str(e.get("endpoint")): e for e in answer if isinstance(e, dict)} if isinstance(answer, list) else {}
    health = tuple(MemberHealth(url, bool(by_url.get(url, {}).get("health")),
                                str(by_url.get(url, {}).get("error", "") if url in by_url else "no answer"))
                   for url in urls)
    return ClusterState(members, health, list_error)


def server_status(etcdctl: EtcdTool, conn: Connection, urls: list[str]) -> tuple[str, str]:
    """(endpoint that answered, its etcd server version): a member without quorum still answers."""
    for url in urls:
        try:
            status = etcdctl_json(etcdctl, _with_timeout(conn, conn.probe_timeout), ["endpoint", "status"],
                                  endpoints=[url],
                                  check=False)
        except EtcdError:
            continue
        first = status[0] if isinstance(status, list) and status and isinstance(status[0], dict) else {}
        if first.get("Status"):
            return url, str(first["Status"].get("version", ""))
    return "", ""


def take_backup(etcdctl: EtcdTool, conn: Connection, out: Path, force: bool = False) -> BackupResult:
    if out.exists():
        raise UsageError(f"{out}: already exists; kubehop never overwrites a backup (choose another name)")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such directory")
    state = cluster_state(etcdctl, conn)
    warnings: list[str] = []
    unhealthy = [f"{h.endpoint} ({h.error or 'unhealthy'})" for h in state.health if not h.healthy]
    if not state.quorum:
        message = f"cluster has no quorum: unhealthy members {', '.join(unhealthy)}"
        if state.list_error:
            message += f"; {state.list_error}"
        if not force:
            raise EtcdError(message + " (use --force to try a snapshot anyway)")
        warnings.append(message)
    elif unhealthy:
        message = f"unhealthy members: {', '.join(unhealthy)}"
        if not force:
            raise EtcdError(message + " (use --force to back up from a healthy member anyway)")
        warnings.append(message)
    healthy = [h.endpoint for h in state.health if h.healthy]
    # prefer a healthy member (one given in --endpoints first); with --force and no quorum, any that answers
    ordered = [e for e in conn.endpoints if e in healthy] + [e for e in healthy if e not in conn.endpoints]
    endpoint, server_version = server_status(etcdctl, conn, ordered or [h.endpoint for h in state.health])
    endpoint = endpoint or (ordered or list(conn.endpoints))[0]
    tmp = out.with_name(f".{out.name}.kubehop-part")
    for leftover in (tmp, tmp.with_name(tmp.name + ".part")):
        leftover.unlink(missing_ok=True)
    try:
        run_tool(etcdctl, [*conn.flags([endpoint]), "snapshot", "save", str(tmp)], timeout=3600)
        os.chmod(tmp, 0o600)
        verified = verify_snapshot(tmp)
        with BoltFile(tmp) as bolt:
            status = snapshot_status(bolt)
            recorded_cluster_version = cluster_version(bolt)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        if out.exists():
            raise UsageError(f"{out}: appeared while the snapshot was taken; not overwriting it")
        os.rename(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    sidecar = out.with_name(out.name + SIDECAR_SUFFIX)
    result = BackupResult(
        str(out), str(sidecar), endpoint, verified.file_size, verified.sha256, status.revision, status.hash,
        status.total_keys, server_version, etcdctl.version,
        tuple(str(m.get("name", "")) for m in state.members), tuple(warnings),
    )
    record = {
        "kubehopBackup": 1,
        "createdAt": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "path": result.path,
        "endpoint": endpoint,
        "size": result.size,
        "sha256": result.sha256,
        "revision": result.revision,
        "hash": result.hash,
        "totalKeys": result.total_keys,
        "serverVersion": result.server_version,
        "clusterVersion": recorded_cluster_version,
        "etcdctlVersion": result.etcdctl_version,
        "hashHex": f"{status.hash:x}",
        "members": [
            {"id": f"{int(m.get('ID', 0)):x}", "name": m.get("name", ""), "peerURLs": m.get("peerURLs", []),
             "clientURLs": m.get("clientURLs", [])}
            for m in state.members
        ],
        "health": [asdict(h) for h in state.health],
        "warnings": warnings,
    }
    write_atomically(sidecar, json.dumps(record, indent=2) + "\n")
    return result


def read_sidecar(snapshot: Path) -> dict[str, Any] | None:
    sidecar = snapshot.with_name(snapshot.name + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return None
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None
