"""Builders for the Kubernetes objects of the benchmark corpus: what a chart's templates render to.

Every builder takes the chart it belongs to and a seeded `random.Random`, so the corpus is the same
on every run. Objects are plain dicts in the key order kubectl and helm print them.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]

_WORD_TEXT = (
    "the of to and a in is it you that he was for on are with as his they be at one have this from or "
    "had by word but what some we can out other were all there when up use your how said an each she "
    "which do their time if will way about many then them write would like so these her long make thing "
    "see him two has look more day could go come did number sound no most people my over know water than "
    "call first who may down side been now find any new work part take get place made live where after "
    "back little only round man year came show every good me give our under name very through just form "
    "sentence great think say help low line differ turn cause much mean before move right boy old too same "
    "tell does set three want air well also play small end put home read hand port large spell add even "
    "land here must big high such follow act why ask men change went light kind off need house picture "
    "controller replica pod node volume secret namespace cluster ingress service endpoint selector label "
    "annotation container image probe resource limit request quota policy role binding account token"
)
WORDS = tuple(_WORD_TEXT.split())


@dataclass(frozen=True)
class Chart:
    """One chart release: names, labels and whether it was written for an old cluster."""

    name: str
    release: str
    version: str
    app_version: str
    namespace: str
    legacy: bool

    @property
    def fullname(self) -> str:
        return f"{self.release}-{self.name}"

    def labels(self, component: str) -> Obj:
        if self.legacy:
            return {"app": self.name, "chart": f"{self.name}-{self.version}", "release": self.release,
                    "heritage": "Helm", "component": component}
        return {
            "app.kubernetes.io/name": self.name,
            "app.kubernetes.io/instance": self.release,
            "app.kubernetes.io/version": self.app_version,
            "app.kubernetes.io/component": component,
            "app.kubernetes.io/managed-by": "Helm",
            "helm.sh/chart": f"{self.name}-{self.version}",
        }

    def selector(self, component: str) -> Obj:
        if self.legacy:
            return {"app": self.name, "release": self.release, "component": component}
        return {"app.kubernetes.io/name": self.name, "app.kubernetes.io/instance": self.release,
                "app.kubernetes.io/component": component}

    def meta(self, name: str, component: str, namespaced: bool = True) -> Obj:
        meta: Obj = {"name": name}
        if namespaced:
            meta["namespace"] = self.namespace
        meta["labels"] = self.labels(component)
        return meta


def sentence(rng: random.Random, low: int = 6, high: int = 24) -> str:
    text = " ".join(rng.choices(WORDS, k=rng.randint(low, high)))
    return text[:1].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def service_account(c: Chart) -> Obj:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": c.meta(c.fullname, "rbac")}


def config_map(rng: random.Random, c: Chart, name: str, size: int) -> Obj:
    """A ConfigMap with a few settings and one big file (config, dashboard or script) of about `size` bytes."""
    data: Obj = {f"{rng.choice(WORDS)}.{rng.choice(WORDS)}": rng.choice(["true", "false", str(rng.randint(1, 9999))])
                 for _ in range(rng.randint(2, 8))}
    flavour = rng.choice(("conf", "dashboard", "properties", "manifests"))
    if flavour == "dashboard":
        data[f"{name}-dashboard.json"] = _dashboard(rng, size)
    elif flavour == "properties":
        data["application.properties"] = "\n".join(
            f"{rng.choice(WORDS)}.{rng.choice(WORDS)}.{rng.choice(WORDS)}={sentence(rng, 2, 8)}"
            for _ in range(max(1, size // 50))
        ) + "\n"
    elif flavour == "manifests":
        data["bootstrap.yaml"] = _embedded_manifests(rng, c, size)
    else:
        data["nginx.conf"] = _nginx_conf(rng, size)
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": c.meta(name, "config"), "data": data}


def _dashboard(rng: random.Random, size: int) -> str:
    panels: list[Obj] = []
    total = 0
    while total < size:
        panel = {"id": len(panels) + 1, "title": sentence(rng, 2, 5), "type": rng.choice(["graph", "stat", "table"]),
                 "targets": [{"expr": f'sum(rate({rng.choice(WORDS)}_total{{job="{rng.choice(WORDS)}"}}[5m]))',
                              "legendFormat": "{{pod}}"}],
                 "description": sentence(rng)}
        panels.append(panel)
        total += 330
    return json.dumps({"title": sentence(rng, 2, 4), "panels": panels}, indent=2) + "\n"


def _nginx_conf(rng: random.Random, size: int) -> str:
    lines = ["worker_processes auto;", "events { worker_connections 1024; }", "http {"]
    total = 0
    while total < size:
        host = f"{rng.choice(WORDS)}-{rng.randint(1, 99)}.example.com"
        block = (f"  server {{\n    listen 80;\n    server_name {host};\n"
                 f"    location /{rng.choice(WORDS)} {{\n      proxy_pass http://{rng.choice(WORDS)}:{rng.randint(80, 9000)};\n"
                 f"      # {sentence(rng)}\n    }}\n  }}")
        lines.append(block)
        total += len(block)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _embedded_manifests(rng: random.Random, c: Chart, size: int) -> str:
    """Manifests kept as text in a ConfigMap: `apiVersion:` lines that are data, not objects."""
    parts = []
    total = 0
    while total < size:
        api = rng.choice(("extensions/v1beta1", "apps/v1", "networking.k8s.io/v1beta1", "v1"))
        part = (f"apiVersion: {api}\nkind: {rng.choice(('Ingress', 'Deployment', 'Service'))}\nmetadata:\n"
                f"  name: {c.fullname}-{rng.choice(WORDS)}\n  annotations:\n    note: {sentence(rng)}\n")
        parts.append(part)
        total += len(part) + 4
    return "---\n".join(parts)


def secret(rng: random.Random, c: Chart) -> Obj:
    values = {f"{rng.choice(WORDS)}-{key}": base64.b64encode(rng.randbytes(rng.randint(8, 48))).decode()
              for key in ("password", "token", "key")}
    return {"apiVersion": "v1", "kind": "Secret", "metadata": c.meta(c.fullname, "secret"), "type": "Opaque",
            "data": values}


def service(c: Chart, component: str, port: int) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": c.meta(f"{c.fullname}-{component}", component),
        "spec": {"type": "ClusterIP", "ports": [{"port": port, "targetPort": "http", "protocol": "TCP", "name": "http"}],
                 "selector": c.selector(component)},
    }


def _container(rng: random.Random, c: Chart, component: str, port: int) -> Obj:
    return {
        "name": component,
        "image": f"registry.example.com/{c.name}/{component}:{c.app_version}",
        "imagePullPolicy": "IfNotPresent",
        "args": [f"--{rng.choice(WORDS)}={rng.choice(WORDS)}" for _ in range(rng.randint(1, 6))],
        "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
        "env": [{"name": f"{rng.choice(WORDS).upper()}_{rng.choice(WORDS).upper()}", "value": rng.choice(WORDS)}
                for _ in range(rng.randint(2, 12))],
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "initialDelaySeconds": 10},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5},
        "resources": {"limits": {"cpu": f"{rng.randint(1, 4) * 250}m", "memory": f"{rng.randint(1, 8) * 128}Mi"},
                      "requests": {"cpu": "100m", "memory": "128Mi"}},
        "volumeMounts": [{"name": "config", "mountPath": f"/etc/{c.name}"}],
    }


def workload(rng: random.Random, c: Chart, kind: str, api_version: str, component: str, port: int,
             with_selector: bool = True) -> Obj:
    """A Deployment, StatefulSet or DaemonSet; old APIs may leave out spec.selector as they allowed."""
    spec: Obj = {}
    if kind != "DaemonSet":
        spec["replicas"] = rng.randint(1, 5)
    if kind == "StatefulSet":
        spec["serviceName"] = f"{c.fullname}-{component}"
    if with_selector:
        spec["selector"] = {"matchLabels": c.selector(component)}
    pod_labels = dict(c.selector(component), **({"chart": f"{c.name}-{c.version}"} if c.legacy else {}))
    spec["template"] = {
        "metadata": {"labels": pod_labels,
                     "annotations": {"checksum/config": f"{rng.getrandbits(256):064x}"}},
        "spec": {
            "serviceAccountName": c.fullname,
            "securityContext": {"runAsNonRoot": True, "runAsUser": 1000},
            "containers": [_container(rng, c, component, port)],
            "volumes": [{"name": "config", "configMap": {"name": f"{c.fullname}-config"}}],
        },
    }
    return {"apiVersion": api_version, "kind": kind, "metadata": c.meta(f"{c.fullname}-{component}", component),
            "spec": spec}


def ingress(rng: random.Random, c: Chart, api_version: str, component: str, port: int) -> Obj:
    host = f"{c.name}.{rng.choice(WORDS)}.example.com"
    if api_version == "networking.k8s.io/v1":
        backend: Obj = {"service": {"name": f"{c.fullname}-{component}", "port": {"number": port}}}
        path: Obj = {"path": "/", "pathType": "Prefix", "backend": backend}
    else:
        path = {"path": "/", "backend": {"serviceName": f"{c.fullname}-{component}", "servicePort": port}}
    meta = c.meta(c.fullname if component == "server" else f"{c.fullname}-{component}", component)
    meta["annotations"] = {"kubernetes.io/ingress.class": "nginx", "cert-manager.io/cluster-issuer": "letsencrypt"}
    return {"apiVersion": api_version, "kind": "Ingress", "metadata": meta,
            "spec": {"tls": [{"hosts": [host], "secretName": f"{c.fullname}-tls"}],
                     "rules": [{"host": host, "http": {"paths": [path]}}]}}


def hpa(c: Chart, api_version: str, target_kind: str, component: str) -> Obj:
    spec: Obj = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": target_kind, "name": f"{c.fullname}-{component}"},
                 "minReplicas": 1, "maxReplicas": 10}
    if api_version == "autoscaling/v2beta1":
        spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 80}}]
    else:
        spec["metrics"] = [{"type": "Resource",
                            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    return {"apiVersion": api_version, "kind": "HorizontalPodAutoscaler",
            "metadata": c.meta(f"{c.fullname}-{component}", component), "spec": spec}


def pdb(c: Chart, api_version: str, component: str) -> Obj:
    return {"apiVersion": api_version, "kind": "PodDisruptionBudget",
            "metadata": c.meta(f"{c.fullname}-{component}", component),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": c.selector(component)}}}


def cron_job(rng: random.Random, c: Chart, api_version: str) -> Obj:
    return {
        "apiVersion": api_version,
        "kind": "CronJob",
        "metadata": c.meta(f"{c.fullname}-cleanup", "cleanup"),
        "spec": {"schedule": f"{rng.randint(0, 59)} {rng.randint(0, 23)} * * *", "concurrencyPolicy": "Forbid",
                 "jobTemplate": {"spec": {"template": {"spec": {
                     "restartPolicy": "OnFailure",
                     "containers": [{"name": "cleanup", "image": f"registry.example.com/{c.name}/tools:1.0",
                                     "command": ["/bin/sh", "-c", f"echo {sentence(rng)}"]}]}}}}},
    }


def network_policy(c: Chart, component: str, port: int) -> Obj:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": c.meta(f"{c.fullname}-{component}", component),
            "spec": {"podSelector": {"matchLabels": c.selector(component)}, "policyTypes": ["Ingress"],
                     "ingress": [{"ports": [{"port": port, "protocol": "TCP"}]}]}}


def pod_security_policy(c: Chart) -> Obj:
    return {"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy",
            "metadata": c.meta(c.fullname, "psp", namespaced=False),
            "spec": {"privileged": False, "runAsUser": {"rule": "MustRunAsNonRoot"}, "seLinux": {"rule": "RunAsAny"},
                     "fsGroup": {"rule": "RunAsAny"}, "supplementalGroups": {"rule": "RunAsAny"},
                     "volumes": ["configMap", "secret", "emptyDir", "persistentVolumeClaim"]}}
