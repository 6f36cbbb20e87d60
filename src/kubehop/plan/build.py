"""Assemble the whole plan: per-step findings, forward phases, rollback phases, variables (sans-IO)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kubehop.lifecycle import Lifecycle
from kubehop.model import KubeVersion
from kubehop.plan.commands import (
    BACKUP_DIR,
    ETCD_CLUSTER_FILE,
    ETCDCTL_ENDPOINTS,
    NODE,
    REVISION,
    kube_version_variable,
    units,
)
from kubehop.plan.model import ORIGIN_CLUSTER, ORIGIN_RELEASE, Inventory, Item, Phase, Plan, Step, Variable
from kubehop.plan.planner import plan_steps
from kubehop.plan.rollback import floor_warnings, rollback_phases
from kubehop.plan.runbook import Context, forward_phases
from kubehop.plan.versions import kubeadm_etcd, oldest_kubelet

_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)\}")
_KNOWN = {v.name: v for v in (BACKUP_DIR, ETCD_CLUSTER_FILE, ETCDCTL_ENDPOINTS, NODE, REVISION)}


def _variables(steps: Sequence[Step]) -> tuple[Variable, ...]:
    names: list[str] = [ETCDCTL_ENDPOINTS.name]
    for step in steps:
        for phase in (*step.phases, *step.rollback):
            for task in phase.tasks:
                for command in task.commands:
                    names += [n for n in dict.fromkeys(_VARIABLE.findall(command.line)) if n not in names]
    found = []
    for name in names:
        if name in _KNOWN:
            found.append(_KNOWN[name])
        elif name.startswith("KUBE_"):
            found.append(kube_version_variable(name[len("KUBE_"):].replace("_", ".")))
        elif name.endswith("_CHART"):
            found.append(Variable(name, "path of the chart this release is installed from"))
        elif name.endswith("_RELEASE"):
            found.append(Variable(name, "name of the release installed from this chart"))
        else:
            found.append(Variable(name, "namespace of the object"))
    return tuple(found)


def build_plan(source: KubeVersion, target: KubeVersion, inventory: Inventory, lifecycle: Lifecycle,
               paths: Sequence[str] = (), chart_args: Sequence[str] = (), chart_release: str = "") -> Plan:
    items: list[Item] = [*inventory.subjects, *inventory.notes]
    ctx = Context(
        units=tuple(units(inventory, chart_release)), paths=tuple(paths), final=target,
        cluster=any(item.origin == ORIGIN_CLUSTER for item in items), chart_args=tuple(chart_args),
        release_storages=tuple(dict.fromkeys(item.source for item in items if item.origin == ORIGIN_RELEASE)),
    )
    steps = []
    for number, found in enumerate(plan_steps(source, target, inventory, lifecycle), start=1):
        phases: tuple[Phase, ...] = forward_phases(found, ctx)
        steps.append(Step(
            number=number, source=found.source, target=found.target, must_fix=found.must_fix,
            deprecated=found.deprecated, notes=found.notes, etcd_before=kubeadm_etcd(found.source),
            etcd_after=kubeadm_etcd(found.target), kubelet_oldest=str(oldest_kubelet(found.target)),
            phases=phases, rollback=rollback_phases(found, ctx), warnings=tuple(floor_warnings(found)),
        ))
    return Plan(source, target, tuple(steps), _variables(steps), inventory.inputs, inventory.warnings)
