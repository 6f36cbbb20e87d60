"""The restore plan run on one host, static pod steps included (steps 2-6 of `restore-plan`).

Where a member's etcd is a static pod: park kube-apiserver.yaml and etcd.yaml (kubelet stops both), wait
until nothing listens on the member's addresses, restore, put etcd.yaml back, wait for health and compare
each member's hashkv with the snapshot's, and only then put kube-apiserver.yaml back. A failure before the
data is swapped puts the manifests back where this run found them, so the node is as it was. Where etcd
is not a static pod (systemd, by hand), the restore is refused while etcd still listens.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kubehop.errors import EtcdError, UsageError
from kubehop.etcd.mvcc import KeyspaceHash
from kubehop.etcd.plan import ClusterSpec, MemberSpec
from kubehop.etcd.restore import LiveCheck, RestoreResult, refuse_running, restore_members, snapshot_keyspace
from kubehop.etcd.static_pods import (
    APISERVER_MANIFEST,
    ETCD_MANIFEST,
    MANIFESTS,
    ManifestMover,
    StaticPods,
    find_static_pods,
    park,
    unpark,
    wait_stopped,
)
from kubehop.etcd.tools import EtcdTool

LiveCheckRun = Callable[[KeyspaceHash], tuple[LiveCheck, ...]]


@dataclass(frozen=True)
class HostRestore:
    result: RestoreResult
    static_pods: tuple[StaticPods, ...]
    apiserver_started: bool  # kube-apiserver.yaml put back after the checks passed

    @property
    def ok(self) -> bool:
        return self.result.live_ok if self.result.live else True


def _names(pods: StaticPods) -> str:
    return ", ".join(m.name for m in pods.members)


def _start_apiservers(all_pods: Sequence[StaticPods], mover: ManifestMover, say: Callable[[str], None]) -> bool:
    started = False
    for pods in all_pods:
        if unpark(pods, APISERVER_MANIFEST, mover):
            say(f"  {_names(pods)}: moved {APISERVER_MANIFEST} back into {pods.manifests_dir}")
            started = True
    return started


def _keep_apiservers(all_pods: Sequence[StaticPods], reason: str) -> str:
    parked = [p for p in all_pods if (p.parked_dir / APISERVER_MANIFEST).is_file()]
    return "".join(f"; {APISERVER_MANIFEST} stays in {p.parked_dir} ({reason}): once etcd is right, "
                   f"`mv {p.parked_dir / APISERVER_MANIFEST} {p.manifests_dir}/`" for p in parked)


def restore_on_host(spec: ClusterSpec, snapshot: Path, tool: EtcdTool, members: Sequence[MemberSpec], stamp: str,
                    *, live: LiveCheckRun | None, say: Callable[[str], None], static_pods: bool = True,
                    stop_timeout: float = 120, sleep: Callable[[float], None] = time.sleep) -> HostRestore:
    expected = snapshot_keyspace(snapshot)  # a bad snapshot stops here, before anything is stopped
    if not members:
        raise UsageError("no member of this cluster runs on this host (use --only NAME to choose members)")
    all_pods = find_static_pods(spec, members, stamp) if static_pods else ()
    in_pods = {m.name for p in all_pods for m in p.members}
    refuse_running([m for m in members if m.name not in in_pods])
    say(f"{snapshot}: keyspace hash {expected.hash} at revision {expected.revision}")
    mover = ManifestMover()
    earlier: list[StaticPods] = []  # manifests an interrupted run parked: they stay parked if this run fails
    try:
        for pods in all_pods:
            moved = park(pods, mover)
            found = [n for n in MANIFESTS if n not in moved and (pods.parked_dir / n).is_file()]
            if moved:
                say(f"  {_names(pods)}: moved {', '.join(moved)} to {pods.parked_dir}; waiting for kubelet "
                    "to stop them")
            if found:
                earlier.append(pods)
                say(f"  {_names(pods)}: {', '.join(found)} already in {pods.parked_dir} (an interrupted run); "
                    "waiting for etcd to stop")
        for pods in all_pods:
            wait_stopped(pods.members, stop_timeout, sleep)
        done = restore_members(spec, snapshot, tool, members, stamp, expected)
    except BaseException:  # Ctrl-C included: the node goes back to how this run found it
        put_back: dict[str, list[str]] = {}
        for path in reversed(mover.undo()):
            put_back.setdefault(str(Path(path).parent), []).append(Path(path).name)
        for directory, names in put_back.items():
            say(f"  not restored: put {', '.join(names)} back into {directory}; kubelet starts "
                "them again on the old data")
        for pods in earlier:
            say(f"  not restored: {_names(pods)}: manifests stay in {pods.parked_dir}, where an earlier run put them")
        raise
    for m in done:
        aside = f"; previous data moved to {', '.join(m.moved_aside)}" if m.moved_aside else ""
        say(f"  restored {m.name} into {m.data_dir}: keyspace hash {m.keyspace_hash} (matches){aside}")
    result = RestoreResult(str(snapshot), expected, done)
    for pods in all_pods:
        if unpark(pods, ETCD_MANIFEST, mover):
            say(f"  {_names(pods)}: moved {ETCD_MANIFEST} back into {pods.manifests_dir}; kubelet starts etcd")
    if live is None:
        say("  live check skipped: start etcd on every member, then compare `etcdctl endpoint hashkv "
            f"--rev={expected.revision}` with {expected.hash}{_keep_apiservers(all_pods, 'no live check')}")
        return HostRestore(result, all_pods, False)
    try:
        checks = live(expected)
    except EtcdError as exc:
        raise EtcdError(f"{exc}{_keep_apiservers(all_pods, 'etcd is not healthy')}") from exc
    result = replace(result, live=checks)
    for c in checks:
        if spec.bump_revision:
            say(f"  {c.endpoint}: healthy (hashkv not compared: the revision was bumped and compacted)")
        else:
            verdict = "matches" if c.hash == expected.hash else "DIFFERS"
            say(f"  {c.endpoint}: healthy, hashkv {c.hash} at revision {expected.revision} ({verdict})")
    if spec.bump_revision or result.live_ok:
        return HostRestore(result, all_pods, _start_apiservers(all_pods, mover, say))
    note = _keep_apiservers(all_pods, "a live hash differs")
    if note:
        say(f"  {note[2:]}")
    return HostRestore(result, all_pods, False)
