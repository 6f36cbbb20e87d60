"""Command lines the runbook prints, and the charts and releases they are about (sans-IO).

Literal arguments are shell-quoted; `${VAR}` arguments are double-quoted so the shell expands them.
Every kubehop line here must parse with `kubehop`'s own argument parser (tests/plan checks it).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kubehop.plan.model import ORIGIN_CHART, ORIGIN_RELEASE, Command, Inventory, Item, Move, Subject, Variable

BACKUP_DIR = Variable("BACKUP_DIR", "a directory off the control-plane disks for snapshots and exports")
ETCD_CLUSTER_FILE = Variable("ETCD_CLUSTER_FILE",
                             "YAML naming the etcd members (token, etcdVersion, members: name, peerURL, dataDir)")
ETCDCTL_ENDPOINTS = Variable("ETCDCTL_ENDPOINTS", "etcd client URLs (ETCDCTL_CACERT/CERT/KEY as needed)")
NODE = Variable("NODE", "one node at a time (control-plane members first)")
REVISION = Variable("REVISION", "the release revision to roll back to (see `helm history`)")


def arg(value: str) -> str:
    return f'"{value}"' if "${" in value else shlex.quote(value)


def run(*args: str) -> Command:
    return Command(" ".join(arg(a) for a in args))


def manual(*args: str) -> Command:
    return Command(" ".join(arg(a) for a in args), manual=True)


def variable_name(name: str, suffix: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() + f"_{suffix}"


def kube_version_variable(minor: str) -> Variable:
    return Variable(f"KUBE_{minor.replace('.', '_')}",
                    f"the {minor} patch release to install, e.g. v{minor}.N (the newest {minor} patch)")


@dataclass(frozen=True)
class Unit:
    """A chart and the release installed from it, as far as the inputs tell."""

    chart: str  # chart name ("" when unknown)
    chart_path: str  # a path, or ${NAME_CHART}
    release: str  # a release name, or ${NAME_RELEASE}
    namespace: str
    storage: str
    helm_major: int

    def storage_args(self) -> tuple[str, ...]:
        args: tuple[str, ...] = ("-n", self.namespace) if self.namespace else ()
        return args + (("--storage", self.storage) if self.storage else ())

    def check_upgrade(self, chart_args: Sequence[str] = ()) -> Command:
        return run("kubehop", "check", "upgrade", self.release, "--chart", self.chart_path, *chart_args,
                   *self.storage_args(), "--cluster")

    def check_rollback(self) -> Command:
        return run("kubehop", "check", "rollback", self.release, "--to-revision", "${REVISION}",
                   *self.storage_args(), "--cluster")

    def _helm_namespace(self) -> tuple[str, ...]:
        # Helm 2 finds a release through Tiller: its upgrade and rollback take no release namespace
        return ("--namespace", self.namespace) if self.namespace and self.helm_major == 3 else ()

    def helm_upgrade(self, chart_args: Sequence[str] = ()) -> Command:
        return manual("helm", "upgrade", self.release, self.chart_path, *chart_args, *self._helm_namespace())

    def helm_rollback(self) -> Command:
        return manual("helm", "rollback", self.release, "${REVISION}", *self._helm_namespace())


def units(inventory: Inventory, chart_release: str = "") -> list[Unit]:
    """Releases (matched to a chart path by chart name) and charts that no release names (installed as
    `chart_release` when the charts were rendered with that release name)."""
    chart_paths: dict[str, str] = {}
    items: list[Item] = [*inventory.subjects, *inventory.notes]
    for item in items:
        if item.origin == ORIGIN_CHART and item.chart:
            chart_paths.setdefault(item.chart, item.source)
    found: dict[tuple[str, str, str], Unit] = {}
    released: set[str] = set()
    for item in items:
        if item.origin != ORIGIN_RELEASE:
            continue
        release, namespace = item.location.release or "", item.location.namespace or ""
        chart = item.chart
        path = chart_paths.get(chart) or "${" + variable_name(chart or release, "CHART") + "}"
        major = 2 if (item.location.storage_key or "").startswith(f"{release}.v") else 3
        found.setdefault((release, namespace, item.source),
                         Unit(chart, path, release, namespace, item.source, major))
        released.add(chart)
    for chart, path in sorted(chart_paths.items()):
        if chart not in released:
            release = chart_release or "${" + variable_name(chart, "RELEASE") + "}"
            found[("", "", path)] = Unit(chart, path, release, "", "", 3)
    return list(found.values())


def unit_of(item: Item, all_units: Sequence[Unit]) -> Unit | None:
    for unit in all_units:
        if item.origin == ORIGIN_RELEASE and unit.release == item.location.release \
                and unit.namespace == (item.location.namespace or "") and unit.storage == item.source:
            return unit
        if item.origin == ORIGIN_CHART and unit.chart == item.chart and unit.chart_path == item.source:
            return unit
        if item.origin == ORIGIN_CHART and unit.chart == item.chart and item.chart:
            return unit
    return None


def units_for(items: Iterable[Item], all_units: Sequence[Unit]) -> list[Unit]:
    chosen: list[Unit] = []
    for item in items:
        unit = unit_of(item, all_units)
        if unit is not None and unit not in chosen:
            chosen.append(unit)
    return chosen


def subjects_of(moves: Iterable[Move], origin: str) -> list[Subject]:
    return [m.subject for m in moves if m.subject.origin == origin]
