"""A stand-in for kubelet's static pod source: it watches one manifests dir per member and starts the member's
real etcd when etcd.yaml appears (restarting it if it exits), stops it (SIGTERM) when the file goes, and
records when kube-apiserver.yaml comes and goes, so tests can check the order of the restore's steps."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import yaml

from tests.fixtures.etcd import EtcdCluster, EtcdMember


def etcd_manifest(member: str) -> str:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"etcd-{member}", "namespace": "kube-system"},
           "spec": {"containers": [{"name": "etcd", "command": ["etcd", f"--name={member}"]}]}}
    return yaml.safe_dump(pod)


def apiserver_manifest(member: str) -> str:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"kube-apiserver-{member}",
                                                           "namespace": "kube-system"},
           "spec": {"containers": [{"name": "kube-apiserver", "command": ["kube-apiserver"]}]}}
    return yaml.safe_dump(pod)


def write_manifests(directory: Path, member: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "etcd.yaml").write_text(etcd_manifest(member))
    (directory / "kube-apiserver.yaml").write_text(apiserver_manifest(member))


class KubeletSimulator:
    """`stuck=True`: ignores removed manifests, so etcd never stops (its ports never free); `hold_starts=True`:
    starts nothing (both may be changed while it runs); `stop_delay`/`start_delay`: seconds between etcd.yaml
    going away/coming back and kubelet acting on it (its file check period); `max_starts`: how often each
    member's etcd may be started at all."""

    def __init__(self, cluster: EtcdCluster, dirs: dict[str, Path], stuck: bool = False,
                 stop_delay: float = 0, start_delay: float = 0, max_starts: int = 1000) -> None:
        self.cluster = cluster
        self.dirs = dirs
        self.stuck = stuck
        self.hold_starts = False
        self.stop_delay = stop_delay
        self.start_delay = start_delay
        self.max_starts = max_starts
        self._present: dict[str, bool] = {}
        self._since: dict[str, float] = {}
        self._starts: dict[str, int] = {}
        self.events: list[tuple[str, str]] = []  # (action, member), in the order they happened
        self._apiserver: dict[str, bool] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None
        self.passes = 0

    def __enter__(self) -> KubeletSimulator:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)
        self.cluster.stop()
        if self.error is not None:
            raise self.error

    def _member(self, manifest: Path) -> EtcdMember:
        pod = yaml.safe_load(manifest.read_text())
        command = pod["spec"]["containers"][0]["command"]
        name = next(arg.split("=", 1)[1] for arg in command if arg.startswith("--name="))
        return next(m for m in self.cluster.members if m.name == name)

    def _sync(self, owner: str, directory: Path) -> None:
        manifest = directory / "etcd.yaml"
        member = self._member(manifest) if manifest.is_file() else \
            next(m for m in self.cluster.members if m.name == owner)
        running = member.process is not None and member.process.poll() is None
        present = manifest.is_file()
        if self._present.get(owner) != present:
            self._present[owner] = present
            self._since[owner] = time.monotonic()
        waited = time.monotonic() - self._since[owner]
        if present and not running and not self.hold_starts and waited >= self.start_delay and \
                self._starts.get(member.name, 0) < self.max_starts:
            self._starts[member.name] = self._starts.get(member.name, 0) + 1
            self.cluster.start_member(member)
            self.events.append(("start etcd", member.name))
        elif not present and member.process is not None and not self.stuck and waited >= self.stop_delay:
            self.cluster.stop_member(member, graceful=True)
            self.events.append(("stop etcd", member.name))
        apiserver = (directory / "kube-apiserver.yaml").is_file()
        if self._apiserver.get(owner) != apiserver:
            self._apiserver[owner] = apiserver
            self.events.append(("start apiserver" if apiserver else "stop apiserver", owner))

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                for owner, directory in self.dirs.items():
                    self._sync(owner, directory)
                self.passes += 1
                time.sleep(0.05)
        except BaseException as exc:  # surfaced by __exit__
            self.error = exc

    def settle(self) -> None:
        """Wait until the simulator has looked at every manifests dir again."""
        target = self.passes + 2
        deadline = time.monotonic() + 10
        while self.passes < target and self.error is None and time.monotonic() < deadline:
            time.sleep(0.01)

    def index(self, action: str, member: str, after: int = -1) -> int:
        """Position of the first `action` on `member` after position `after` (-1 if there is none)."""
        for i, event in enumerate(self.events):
            if i > after and event == (action, member):
                return i
        return -1
