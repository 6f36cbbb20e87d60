"""Stop and start etcd and kube-apiserver the way kubelet runs them: by moving their static pod manifests.

A manifest moved out of the manifests dir makes kubelet stop the pod; moved back, kubelet starts it.
Manifests are parked beside the manifests dir in `<dir>.kubehop-old-<stamp>` (never deleted), and an
interrupted run's parked manifests are found again, so re-running converges.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kubehop.errors import EtcdError, UsageError
from kubehop.etcd.plan import OLD_SUFFIX, ClusterSpec, MemberSpec, parked_manifests_dir
from kubehop.etcd.restore import still_running
from kubehop.fsutil import fsync_dir

ETCD_MANIFEST = "etcd.yaml"
APISERVER_MANIFEST = "kube-apiserver.yaml"
MANIFESTS = (APISERVER_MANIFEST, ETCD_MANIFEST)  # the order they are stopped in


@dataclass(frozen=True)
class StaticPods:
    """One manifests dir holding (or having parked) the etcd manifest of these members."""

    manifests_dir: Path
    parked_dir: Path  # an interrupted run's, or a new one
    members: tuple[MemberSpec, ...]


def _parked_candidates(manifests_dir: Path) -> list[Path]:
    """Sibling `<dir>.kubehop-old-*` directories that still hold a control-plane manifest."""
    parent = manifests_dir.parent
    if not parent.is_dir():
        return []
    prefix = manifests_dir.name + OLD_SUFFIX + "-"
    return sorted(p for p in parent.iterdir() if p.name.startswith(prefix) and p.is_dir()
                  and any((p / name).is_file() for name in MANIFESTS))


def find_static_pods(spec: ClusterSpec, members: Sequence[MemberSpec], stamp: str) -> tuple[StaticPods, ...]:
    """Group the members by manifests dir; keep the dirs where etcd is (or was, before an interruption) a
    static pod. Ambiguous states are refused before anything is moved."""
    groups: dict[str, list[MemberSpec]] = {}
    for m in members:
        groups.setdefault(spec.manifests_for(m), []).append(m)
    found = []
    for directory, group in groups.items():
        manifests = Path(directory)
        parked = _parked_candidates(manifests)
        if len(parked) > 1:
            raise UsageError(f"member {group[0].name}: manifests parked in several places "
                             f"({', '.join(map(str, parked))}): move back by hand the ones to keep")
        target = parked[0] if parked else Path(parked_manifests_dir(directory, stamp))
        for name in MANIFESTS:
            if (manifests / name).is_file() and (target / name).is_file():
                raise UsageError(f"member {group[0].name}: {name} is both in {manifests} and in {target}: "
                                 "keep one of them, then re-run")
        if (manifests / ETCD_MANIFEST).is_file() or (target / ETCD_MANIFEST).is_file():
            found.append(StaticPods(manifests, target, tuple(group)))
    return tuple(found)


class ManifestMover:
    """Moves manifests and remembers each move, so that a failed restore can put them back."""

    def __init__(self) -> None:
        self.moves: list[tuple[Path, Path]] = []
        self.created: list[Path] = []

    def move(self, name: str, source: Path, target: Path) -> bool:
        """Move `name` from `source` to `target` if it is in `source`; never overwrite."""
        if not (source / name).is_file():
            return False
        if (target / name).exists():
            raise EtcdError(f"{target / name} already exists: not overwriting it with {source / name}")
        if not target.is_dir():
            target.mkdir(mode=source.stat().st_mode & 0o777)  # the manifests may hold secrets' paths: same mode
            self.created.append(target)
        os.rename(source / name, target / name)
        fsync_dir(target)
        fsync_dir(source)
        self.moves.append((source / name, target / name))
        return True

    def undo(self) -> list[str]:
        """Put back, newest first, what this mover moved; returns what was put back."""
        restored = []
        while self.moves:
            source, target = self.moves.pop()
            if target.is_file() and not source.exists():
                os.rename(target, source)
                restored.append(str(source))
        for directory in self.created:
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
        return restored


def park(pods: StaticPods, mover: ManifestMover) -> list[str]:
    """Stop kube-apiserver, then etcd, by moving their manifests aside; returns the names moved."""
    return [name for name in MANIFESTS if mover.move(name, pods.manifests_dir, pods.parked_dir)]


def unpark(pods: StaticPods, name: str, mover: ManifestMover) -> bool:
    moved = mover.move(name, pods.parked_dir, pods.manifests_dir)
    if moved and pods.parked_dir.is_dir() and not any(pods.parked_dir.iterdir()):
        pods.parked_dir.rmdir()  # empty and ours: the manifests are back where they belong
    return moved


def wait_stopped(members: Sequence[MemberSpec], timeout: float, sleep: Callable[[float], None] = time.sleep
                 ) -> None:
    """Wait until nothing listens on any member's peer or client address (kubelet has stopped etcd)."""
    deadline = time.monotonic() + timeout
    for m in members:
        while True:
            address = still_running(m)
            if not address:
                break
            if time.monotonic() > deadline:
                raise EtcdError(f"member {m.name}: something still listens on {address} {timeout:g}s after its "
                                "etcd manifest was moved away (is kubelet running? is etcd started some other way?)")
            sleep(0.2)
