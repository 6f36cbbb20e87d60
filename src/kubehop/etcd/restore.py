"""`kubehop etcd restore`: run the restore plan for the members on this host, then prove it worked.

Order (nothing is deleted, every step can be re-run): verify the snapshot; restore every local member
into `<data dir>.kubehop-new`; check each restored keyspace hash equals the snapshot's; only then move
each old data dir aside to `<data dir>.kubehop-old-<stamp>` and the new one into place; finally wait
for the members to answer and compare their live `hashkv` with the snapshot's.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from kubehop.errors import EtcdError, UsageError
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.mvcc import KeyspaceHash, hash_kv
from kubehop.etcd.plan import NEW_SUFFIX, OLD_SUFFIX, ClusterSpec, MemberSpec, restore_argv
from kubehop.etcd.tools import Connection, EtcdTool, etcdctl_json, run_tool
from kubehop.etcd.verify import verify_snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MemberRestore:
    name: str
    data_dir: str
    moved_aside: tuple[str, ...]  # where the previous data went (empty when there was none)
    keyspace_hash: int


@dataclass(frozen=True)
class LiveCheck:
    endpoint: str
    healthy: bool
    hash: int
    revision: int


@dataclass(frozen=True)
class RestoreResult:
    snapshot: str
    expected: KeyspaceHash
    members: tuple[MemberRestore, ...]
    live: tuple[LiveCheck, ...] = ()

    @property
    def live_ok(self) -> bool:
        return bool(self.live) and all(c.healthy and c.hash == self.expected.hash for c in self.live)


def is_local(member: MemberSpec) -> bool:
    """A member runs here when its host is this machine's name or its peer URL's address is local."""
    if member.host:
        return member.host in (socket.gethostname(), socket.getfqdn(), "localhost")
    host = urlparse(member.peer_url).hostname or ""
    if host in ("localhost", socket.gethostname(), socket.getfqdn()):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if address.is_loopback:
        return True
    try:
        with socket.socket(socket.AF_INET6 if address.version == 6 else socket.AF_INET) as probe:
            probe.bind((host, 0))
        return True
    except OSError:
        return False


def still_running(member: MemberSpec) -> str:
    """The peer or client address of `member` if something still accepts connections there."""
    for url in filter(None, (member.peer_url, member.client_url)):
        parsed = urlparse(url)
        if not parsed.hostname or not parsed.port:
            continue
        try:
            with socket.create_connection((parsed.hostname, parsed.port), timeout=1):
                return f"{parsed.hostname}:{parsed.port}"
        except OSError:
            continue
    return ""


def restored_keyspace(data_dir: str) -> KeyspaceHash:
    with BoltFile(Path(data_dir) / "member" / "snap" / "db") as bolt:
        return hash_kv(bolt)


def unused_name(path: str) -> str:
    """`path`, or `path-2`, `path-3`...: a second run within the same second must not collide with the first."""
    candidate, n = path, 1
    while os.path.lexists(candidate):
        n += 1
        candidate = f"{path}-{n}"
    return candidate


def snapshot_keyspace(snapshot: Path) -> KeyspaceHash:
    """Verify the snapshot (trailer, bbolt walk), then compute the keyspace hash every member must serve."""
    verify_snapshot(snapshot)
    with BoltFile(snapshot) as bolt:
        return hash_kv(bolt)


def refuse_running(members: Sequence[MemberSpec]) -> None:
    for m in members:
        address = still_running(m)
        if address:
            raise UsageError(f"member {m.name}: something still listens on {address}; stop etcd before restoring "
                             "(`systemctl stop etcd`, or for a static pod pass the --manifests-dir that holds its "
                             "etcd.yaml): its data directory would be replaced under it")


def restore_members(spec: ClusterSpec, snapshot: Path, tool: EtcdTool, members: Sequence[MemberSpec],
                    stamp: str, expected: KeyspaceHash) -> tuple[MemberRestore, ...]:
    """Restore each member beside its data dir, check its hash, then swap the dirs (old ones kept aside).

    Until the swap nothing of the old data is touched; a failed swap is undone."""
    for m in members:
        for leftover in filter(None, (m.data_dir + NEW_SUFFIX, m.wal_dir + NEW_SUFFIX if m.wal_dir else "")):
            if os.path.exists(leftover):  # from an interrupted run: keep it, out of the way
                os.rename(leftover, unused_name(f"{leftover}-interrupted-{stamp}"))
    restored: list[tuple[MemberSpec, int]] = []
    for m in members:
        try:
            Path(m.data_dir).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EtcdError(f"member {m.name}: cannot create the parent of {m.data_dir}: {exc.strerror}") from exc
        run_tool(tool, restore_argv(spec, m, str(snapshot))[1:], timeout=3600)
        got = restored_keyspace(m.data_dir + NEW_SUFFIX)
        if got.hash != expected.hash and not spec.bump_revision:
            raise EtcdError(f"member {m.name}: restored keyspace hash {got.hash} differs from the snapshot's "
                            f"{expected.hash}; the old data was left in place")
        restored.append((m, got.hash))
    done: list[MemberRestore] = []
    renames: list[tuple[str, str]] = []
    try:
        for m, digest in restored:
            moved: list[str] = []
            for directory in filter(None, (m.data_dir, m.wal_dir)):
                if os.path.exists(directory):
                    aside = unused_name(f"{directory}{OLD_SUFFIX}-{stamp}")
                    os.rename(directory, aside)
                    renames.append((directory, aside))
                    moved.append(aside)
                os.rename(directory + NEW_SUFFIX, directory)
                renames.append((directory + NEW_SUFFIX, directory))
            done.append(MemberRestore(m.name, m.data_dir, tuple(moved), digest))
            log.info("restored member %s into %s", m.name, m.data_dir)
    except OSError as exc:
        for source, target in reversed(renames):  # every member keeps its old data, or none does
            os.rename(target, source)
        raise EtcdError(f"moving the restored data into place failed ({exc}); the old data was put back") from exc
    return tuple(done)


def restore_local(spec: ClusterSpec, snapshot: Path, tool: EtcdTool, members: Sequence[MemberSpec], stamp: str
                  ) -> RestoreResult:
    """Restore members whose etcd is already stopped (refused while anything listens on their addresses)."""
    expected = snapshot_keyspace(snapshot)
    if not members:
        raise UsageError("no member of this cluster runs on this host (use --only NAME to choose members)")
    refuse_running(members)
    return RestoreResult(str(snapshot), expected, restore_members(spec, snapshot, tool, members, stamp, expected))


def check_live(etcdctl: EtcdTool, conn: Connection, expected: KeyspaceHash, timeout: float,
               sleep: Callable[[float], None] = time.sleep, compare_hash: bool = True) -> tuple[LiveCheck, ...]:
    """Wait until every endpoint is healthy, then read each member's hashkv at the snapshot's revision.

    With --bump-revision the members compact at the bumped revision, so only health is checked."""
    deadline = time.monotonic() + timeout
    quick = Connection(conn.endpoints, conn.cacert, conn.cert, conn.key, conn.user, conn.probe_timeout)
    while True:
        answer = etcdctl_json(etcdctl, quick, ["endpoint", "health"], check=False)
        entries = answer if isinstance(answer, list) else []
        healthy = {str(e.get("endpoint")) for e in entries if e.get("health")}
        if all(e in healthy for e in conn.endpoints):
            break
        if time.monotonic() > deadline:
            missing = [e for e in conn.endpoints if e not in healthy]
            raise EtcdError(f"restored members not healthy after {timeout:.0f}s: {', '.join(missing)}")
        sleep(1)
    if not compare_hash:
        return tuple(LiveCheck(e, True, expected.hash, expected.revision) for e in conn.endpoints)
    checks = []
    for endpoint in conn.endpoints:
        answer = etcdctl_json(etcdctl, conn, ["endpoint", "hashkv", f"--rev={expected.revision}"],
                              endpoints=[endpoint])
        entry = answer[0] if isinstance(answer, list) and answer else {}
        hashkv = entry.get("HashKV", {})
        checks.append(LiveCheck(endpoint, True, int(hashkv.get("hash", -1)),
                                int(hashkv.get("header", {}).get("revision", 0))))
    return tuple(checks)


def run_restore_tool(spec: ClusterSpec, etcdutl: EtcdTool | None, etcdctl: EtcdTool | None) -> EtcdTool:
    tool = etcdutl if spec.uses_etcdutl else etcdctl
    if tool is None:
        raise UsageError(f"etcd {spec.etcd_version} restores with {'etcdutl' if spec.uses_etcdutl else 'etcdctl'}, "
                         "which was not found")
    return tool
