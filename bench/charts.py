"""What one chart renders to: a list of (template path, object), in the order `helm template` prints them.

Five kinds of charts (web app, database, node agent, operator, monitoring) with a realistic mix of
objects. A chart written for an old cluster (`legacy`) uses the old API versions throughout; other
charts keep a few old APIs too (a PDB in policy/v1beta1, a CronJob in batch/v1beta1...), as real
charts that still support old clusters do.
"""

from __future__ import annotations

import random

from bench import crds
from bench.objects import (
    WORDS,
    Chart,
    Obj,
    cron_job,
    hpa,
    ingress,
    network_policy,
    pdb,
    pod_security_policy,
    secret,
    service,
    service_account,
    workload,
)
from bench.objects import config_map as _config_map

Rendered = list[tuple[str, Obj]]
ARCHETYPES = ("web", "web", "web", "database", "agent", "operator", "monitoring")


def make_chart(rng: random.Random, index: int, legacy_share: float) -> Chart:
    name = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{index}"
    return Chart(name=name, release=rng.choice(("prod", "staging", "dev", "main", "blue", "green")),
                 version=f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",
                 app_version=f"{rng.randint(1, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
                 namespace=rng.choice(("default", "apps", "data", "monitoring", "kube-system", "ops", name)),
                 legacy=rng.random() < legacy_share)


def _api(rng: random.Random, c: Chart, current: str, old: tuple[str, ...], stray: float = 0.0) -> str:
    """The chart's apiVersion for one object: old ones for legacy charts, a stray old one sometimes."""
    if c.legacy or (old and rng.random() < stray):
        return rng.choice(old)
    return current


def _config_size(rng: random.Random) -> int:
    return rng.randint(50_000, 400_000) if rng.random() < 0.1 else rng.randint(500, 20_000)


def render(rng: random.Random, c: Chart, scale: float = 1.0) -> Rendered:
    """The chart's objects; `scale` shrinks big ConfigMaps and CRD schemas (for small test corpora)."""
    archetype = rng.choice(ARCHETYPES)
    out: Rendered = [("serviceaccount.yaml", service_account(c))]
    port = rng.choice((80, 3000, 5432, 6379, 8080, 9090))
    out.append(("configmap.yaml", _config_map(rng, c, f"{c.fullname}-config", int(_config_size(rng) * scale))))
    if archetype == "operator":
        out += _crds(rng, c, scale)
    out += _rbac(rng, c, cluster=archetype in ("agent", "operator", "monitoring"))
    if archetype == "monitoring":
        out += [(f"dashboards/{i}.yaml", _config_map(rng, c, f"{c.fullname}-dash-{i}", int(rng.randint(20_000, 300_000) * scale)))
                for i in range(rng.randint(1, 6))]
    out.append(("secret.yaml", secret(rng, c)))
    extra = ("worker", "api", "frontend", "scheduler", "metrics")
    for component in ["server", *rng.sample(extra, rng.randint(0, 3) if archetype == "web" else 0)]:
        prefix = "" if component == "server" else f"{component}/"
        out.append((f"{prefix}service.yaml", service(c, component, port)))
        out += [(prefix + name, obj) for name, obj in _workloads(rng, c, archetype, component, port)]
    return out


def _crds(rng: random.Random, c: Chart, scale: float) -> Rendered:
    group = f"{rng.choice(WORDS)}.{c.name}.example.com"
    out: Rendered = []
    for _ in range(rng.randint(2, 8)):
        kind = rng.choice(WORDS).capitalize() + rng.choice(WORDS).capitalize()
        api = _api(rng, c, "apiextensions.k8s.io/v1", ("apiextensions.k8s.io/v1beta1",), stray=0.02)
        out.append((f"crds/{kind.lower()}.yaml", crds.crd(rng, c, group, kind, api, int(rng.randint(20_000, 250_000) * scale))))
        if rng.random() < 0.5:
            out.append((f"{kind.lower()}.yaml", crds.custom_resource(rng, c, group, kind)))
    return out


def _rbac(rng: random.Random, c: Chart, cluster: bool) -> Rendered:
    api = _api(rng, c, crds.RBAC_V1, ("rbac.authorization.k8s.io/v1beta1", crds.RBAC_V1))
    out: Rendered = []
    if cluster:
        out += [("clusterrole.yaml", crds.role(rng, c, "ClusterRole", api)),
                ("clusterrolebinding.yaml", crds.binding(c, "ClusterRoleBinding", api))]
    if not cluster or rng.random() < 0.5:
        out += [("role.yaml", crds.role(rng, c, "Role", api)), ("rolebinding.yaml", crds.binding(c, "RoleBinding", api))]
    if c.legacy and rng.random() < 0.5:
        out.append(("psp.yaml", pod_security_policy(c)))
    return out


def _workloads(rng: random.Random, c: Chart, archetype: str, component: str, port: int) -> Rendered:
    out: Rendered = []
    selector = not c.legacy or rng.random() < 0.5
    if archetype == "database":
        api = _api(rng, c, "apps/v1", ("apps/v1beta1", "apps/v1beta2"))
        out.append(("statefulset.yaml", workload(rng, c, "StatefulSet", api, component, port, selector)))
        kind = "StatefulSet"
    elif archetype == "agent":
        api = _api(rng, c, "apps/v1", ("extensions/v1beta1", "apps/v1beta2"))
        out.append(("daemonset.yaml", workload(rng, c, "DaemonSet", api, component, port, selector)))
        kind = "DaemonSet"
    else:
        api = _api(rng, c, "apps/v1", ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"))
        out.append(("deployment.yaml", workload(rng, c, "Deployment", api, component, port, selector)))
        kind = "Deployment"
    if archetype == "web" and rng.random() < 0.6:
        api = _api(rng, c, "networking.k8s.io/v1", ("extensions/v1beta1", "networking.k8s.io/v1beta1"), stray=0.05)
        out.append(("ingress.yaml", ingress(rng, c, api, component, port)))
    if kind != "DaemonSet" and rng.random() < 0.4:
        api = _api(rng, c, "autoscaling/v2", ("autoscaling/v2beta1",), stray=0.08)
        out.append(("hpa.yaml", hpa(c, api, kind, component)))
    if kind != "DaemonSet" and rng.random() < 0.4:
        out.append(("pdb.yaml", pdb(c, _api(rng, c, "policy/v1", ("policy/v1beta1",), stray=0.1), component)))
    if rng.random() < 0.3:
        out.append(("networkpolicy.yaml", network_policy(c, component, port)))
    if rng.random() < 0.25:
        out.append(("cronjob.yaml", cron_job(rng, c, _api(rng, c, "batch/v1", ("batch/v1beta1",), stray=0.1))))
    return out
