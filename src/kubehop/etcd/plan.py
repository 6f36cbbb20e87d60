"""Restore plans for a multi-member etcd cluster (sans-IO): the same snapshot, `--initial-cluster`
and token on every member; etcdutl for etcd 3.5+, etcdctl for 3.4 (reference §1.1, §1.5, §1.6).

Each member is restored into a fresh directory beside its data dir; only then is the old data dir
moved aside (never deleted) and the new one moved into place.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubehop.errors import UsageError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
NEW_SUFFIX = ".kubehop-new"
OLD_SUFFIX = ".kubehop-old"


@dataclass(frozen=True)
class MemberSpec:
    name: str
    peer_url: str
    data_dir: str
    wal_dir: str = ""
    client_url: str = ""
    host: str = ""
    manifests_dir: str = ""  # this member's static pod manifests, when not the cluster's


@dataclass(frozen=True)
class ClusterSpec:
    members: tuple[MemberSpec, ...]
    token: str = "etcd-cluster"  # etcd's default; kubeadm passes no token
    etcd_version: str = "3.5"
    manifests_dir: str = "/etc/kubernetes/manifests"
    bump_revision: int = 0

    def __post_init__(self) -> None:
        if not self.members:
            raise UsageError("restore plan: no members (give --member NAME=PEER_URL or a cluster file)")
        names = [m.name for m in self.members]
        for member in self.members:
            if not _NAME.match(member.name):
                raise UsageError(f"restore plan: invalid member name {member.name!r}")
            if not member.peer_url.startswith(("http://", "https://")):
                raise UsageError(f"restore plan: member {member.name}: peer URL {member.peer_url!r} is not a URL")
            if not member.data_dir:
                raise UsageError(f"restore plan: member {member.name}: no data directory")
        if len(set(names)) != len(names):
            raise UsageError(f"restore plan: duplicate member names in {', '.join(names)}")
        if not re.match(r"^3\.\d+", self.etcd_version):
            raise UsageError(f"restore plan: etcd version {self.etcd_version!r} is not 3.x")

    @property
    def initial_cluster(self) -> str:
        return ",".join(f"{m.name}={m.peer_url}" for m in self.members)

    @property
    def uses_etcdutl(self) -> bool:
        return int(self.etcd_version.split(".")[1]) >= 5

    def manifests_for(self, member: MemberSpec) -> str:
        """The member's own manifests dir, else the cluster's (which may contain {name})."""
        return (member.manifests_dir or self.manifests_dir.replace("{name}", member.name)).rstrip("/") or "/"


def parked_manifests_dir(manifests_dir: str, stamp: str) -> str:
    """Where the control-plane manifests wait while etcd is restored: beside the dir, so kubelet ignores them."""
    return f"{manifests_dir.rstrip('/')}{OLD_SUFFIX}-{stamp}"


def cluster_from_mapping(data: Mapping[str, Any], origin: str) -> ClusterSpec:
    """The YAML cluster file: token, etcdVersion, manifestsDir, bumpRevision,
    members: [{name, peerURL, dataDir, walDir, clientURL, host, manifestsDir}]."""
    members = data.get("members")
    if not isinstance(members, list):
        raise UsageError(f"{origin}: `members` must be a list")
    parsed = []
    for index, item in enumerate(members):
        if not isinstance(item, Mapping):
            raise UsageError(f"{origin}: members[{index}] must be a mapping")
        missing = [k for k in ("name", "peerURL", "dataDir") if not item.get(k)]
        if missing:
            raise UsageError(f"{origin}: members[{index}] lacks {', '.join(missing)}")
        parsed.append(MemberSpec(str(item["name"]), str(item["peerURL"]), str(item["dataDir"]),
                                 str(item.get("walDir") or ""), str(item.get("clientURL") or ""),
                                 str(item.get("host") or ""), str(item.get("manifestsDir") or "")))
    return ClusterSpec(tuple(parsed), str(data.get("token") or "etcd-cluster"),
                       str(data.get("etcdVersion") or "3.5"),
                       str(data.get("manifestsDir") or "/etc/kubernetes/manifests"),
                       int(data.get("bumpRevision") or 0))


def members_from_flags(members: Sequence[str], data_dir: str, wal_dir: str = "") -> tuple[MemberSpec, ...]:
    """--member NAME=PEER_URL[,CLIENT_URL]; --data-dir/--wal-dir may contain {name}."""
    out = []
    for text in members:
        name, sep, urls = text.partition("=")
        if not sep:
            raise UsageError(f"--member {text!r}: expected NAME=PEER_URL")
        peer, _, client = urls.partition(",")
        out.append(MemberSpec(name, peer, data_dir.format(name=name), wal_dir.format(name=name) if wal_dir else "",
                              client))
    return tuple(out)


def restore_argv(spec: ClusterSpec, member: MemberSpec, snapshot: str, tool: str | None = None) -> list[str]:
    """The restore command for one member, writing into `<data dir>.kubehop-new`."""
    if spec.uses_etcdutl:
        argv = [tool or "etcdutl", "snapshot", "restore", snapshot]
    else:
        argv = [tool or "etcdctl", "snapshot", "restore", snapshot]
    argv += [f"--name={member.name}", f"--initial-cluster={spec.initial_cluster}",
             f"--initial-cluster-token={spec.token}", f"--initial-advertise-peer-urls={member.peer_url}",
             f"--data-dir={member.data_dir}{NEW_SUFFIX}"]
    if member.wal_dir:
        argv.append(f"--wal-dir={member.wal_dir}{NEW_SUFFIX}")
    if spec.bump_revision:
        argv += [f"--bump-revision={spec.bump_revision}", "--mark-compacted"]
    return argv


@dataclass(frozen=True)
class Step:
    title: str
    commands: tuple[str, ...]
    member: str = ""  # empty: run once, anywhere


def build_plan(spec: ClusterSpec, snapshot: str, stamp: str) -> tuple[Step, ...]:
    q = shlex.quote
    steps = [Step("Verify the snapshot (SHA-256 trailer, bbolt walk) and note its hash and revision",
                  (f"kubehop etcd verify {q(snapshot)}", f"kubehop etcd status -w table {q(snapshot)}"))]
    for m in spec.members:
        manifests = spec.manifests_for(m)
        parked = parked_manifests_dir(manifests, stamp)
        steps.append(Step(
            "Stop kube-apiserver and etcd (move their static pod manifests away; kubelet stops the pods)",
            (f"mkdir -p {q(parked)}", f"mv {q(manifests)}/kube-apiserver.yaml {q(manifests)}/etcd.yaml {q(parked)}/"),
            m.name))
    for m in spec.members:
        restore = shlex.join(restore_argv(spec, m, snapshot))
        if not spec.uses_etcdutl:
            restore = "ETCDCTL_API=3 " + restore
        move = [f"mv {q(m.data_dir)} {q(m.data_dir + OLD_SUFFIX + '-' + stamp)}",
                f"mv {q(m.data_dir + NEW_SUFFIX)} {q(m.data_dir)}"]
        if m.wal_dir:
            move += [f"mv {q(m.wal_dir)} {q(m.wal_dir + OLD_SUFFIX + '-' + stamp)}",
                     f"mv {q(m.wal_dir + NEW_SUFFIX)} {q(m.wal_dir)}"]
        steps.append(Step("Restore into a fresh directory, then move the old data aside (kept, not deleted)",
                          (f"kubehop etcd verify {q(snapshot)}", restore, *move), m.name))
    for m in spec.members:
        manifests = spec.manifests_for(m)
        steps.append(Step("Start etcd again",
                          (f"mv {q(parked_manifests_dir(manifests, stamp))}/etcd.yaml {q(manifests)}/",), m.name))
    # etcdctl reads ETCDCTL_CACERT/CERT/KEY itself; the endpoints too when the plan does not know them
    endpoints = ",".join(m.client_url for m in spec.members if m.client_url) or \
        '"${ETCDCTL_ENDPOINTS:?set ETCDCTL_ENDPOINTS to the client URLs}"'
    steps.append(Step("Check health and that every member serves the snapshot's keyspace hash",
                      (f"etcdctl --endpoints={endpoints} endpoint health",
                       f"etcdctl --endpoints={endpoints} endpoint hashkv -w table",
                       f"kubehop etcd status --keyspace {q(snapshot)}")))
    for m in spec.members:
        manifests = spec.manifests_for(m)
        steps.append(Step("Start kube-apiserver; then restart kube-scheduler, kube-controller-manager and kubelet "
                          "so that none acts on stale cached state",
                          (f"mv {q(parked_manifests_dir(manifests, stamp))}/kube-apiserver.yaml {q(manifests)}/",),
                          m.name))
    return tuple(steps)


def _phases(steps: Sequence[Step]) -> list[tuple[str, list[Step]]]:
    """Consecutive steps with the same title form one phase (the same action on each member)."""
    phases: list[tuple[str, list[Step]]] = []
    for step in steps:
        if phases and phases[-1][0] == step.title and step.member:
            phases[-1][1].append(step)
        else:
            phases.append((step.title, [step]))
    return phases


def _blocks(group: list[Step]) -> list[tuple[str, tuple[str, ...]]]:
    """(who, commands): one block when every member runs the same commands, else one per member."""
    if len(group) > 1 and len({s.commands for s in group}) == 1:
        return [(f"on every member ({', '.join(s.member for s in group)})", group[0].commands)]
    return [(f"on member {s.member}" if s.member else "", s.commands) for s in group]


def render_markdown(spec: ClusterSpec, steps: Sequence[Step], snapshot: str) -> str:
    tool = "etcdutl" if spec.uses_etcdutl else "etcdctl (ETCDCTL_API=3)"
    lines = [f"# etcd restore plan: {len(spec.members)} members from `{snapshot}`", "",
             f"- etcd {spec.etcd_version}: restore with {tool}",
             f"- initial cluster: `{spec.initial_cluster}`", f"- cluster token: `{spec.token}`",
             "- every member must be restored from this same file with these same flags", ""]
    for number, (title, group) in enumerate(_phases(steps), 1):
        lines += [f"## {number}. {title}", ""]
        for who, commands in _blocks(group):
            if who:
                lines += [f"{who[0].upper()}{who[1:]}:", ""]
            lines += ["```sh", *commands, "```", ""]
    return "\n".join(lines)


def render_shell(spec: ClusterSpec, steps: Sequence[Step], snapshot: str) -> str:
    lines = ["#!/bin/sh", f"# etcd restore plan: {len(spec.members)} members from {snapshot}",
             "# Run each member's block on that member's host. Old data is moved aside, never deleted.",
             "set -eu", ""]
    for number, (title, group) in enumerate(_phases(steps), 1):
        lines.append(f"# {number}. {title}")
        for who, commands in _blocks(group):
            if who:
                lines.append(f"# -- {who}")
            lines += [*commands, ""]
    return "\n".join(lines)
