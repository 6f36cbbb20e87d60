"""The seed scenario's release, `image-manager`, as Helm 2 and Helm 3 records with the Kubernetes 1.16 APIs."""

from __future__ import annotations

from typing import Any

from kubehop.helm.codec_v2 import release_from_proto
from kubehop.helm.release import Release
from tests.helm.factories import helm2_proto, helm3_release

NAME = "image-manager"

DAEMONSET = """apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: image-manager-init-certs
  namespace: {ns}
spec:
  template:
    metadata:
      labels:
        app: image-manager-init-certs
        release: image-manager
    spec:
      containers:
        - name: init-certs
          image: registry.example.com/image-manager-init:3.3.2001
"""

# kind before apiVersion and a quoted apiVersion: the text-matching tools miss this document.
STATEFULSET = """kind: StatefulSet
apiVersion: "apps/v1beta1"
metadata:
  name: image-manager
  namespace: {ns}
spec:
  serviceName: image-manager
  replicas: 1
  template:
    metadata:
      labels:
        app: image-manager
        release: image-manager
    spec:
      containers:
        - name: image-manager
          image: registry.example.com/image-manager:3.3.2001
"""

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: image-manager
  namespace: {ns}
spec:
  selector:
    app: image-manager
  ports:
    - port: 8600
"""

INGRESS = """apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: image-manager
  namespace: {ns}
spec:
  rules:
    - host: images.example.com
      http:
        paths:
          - path: /
            backend:
              serviceName: image-manager
              servicePort: 8600
"""

HOOK = """apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata:
  name: image-manager-hook
  namespace: {ns}
  annotations:
    helm.sh/hook: pre-upgrade
spec:
  podSelector: {{}}
"""

OLD_APIS = ("extensions/v1beta1", "apps/v1beta1")


def seed_manifest(ns: str, revision: int = 1) -> str:
    """Laid out the way Helm stores a manifest: `---` and a `# Source:` comment before each document.
    The Service (which needs no conversion) carries a comment naming the revision."""
    service = SERVICE.replace("kind: Service\n", f"kind: Service\n# revision {revision}\n")
    docs = (("daemonset", DAEMONSET), ("statefulset", STATEFULSET), ("service", service), ("ingress", INGRESS))
    return "".join(f"---\n# Source: image-manager/templates/{name}.yaml\n{text.format(ns=ns)}"
                   for name, text in docs)


def helm3_hooks(ns: str) -> list[dict[str, Any]]:
    return [{"name": "image-manager-hook", "kind": "NetworkPolicy", "path": "image-manager/templates/hook.yaml",
             "manifest": HOOK.format(ns=ns), "events": ["pre-upgrade"],
             "last_run": {"started_at": "", "completed_at": "", "phase": ""}, "weight": 0}]


def helm3_history(ns: str, statuses: tuple[str, ...] = ("superseded", "deployed")) -> list[Release]:
    """Helm 3 revisions 1..n of image-manager, all holding the 1.16 manifest (with a marker per revision)."""
    return [helm3_release(name=NAME, namespace=ns, version=v, status=s,
                          manifest=seed_manifest(ns, v), hooks=helm3_hooks(ns))
            for v, s in enumerate(statuses, 1)]


def helm2_history(ns: str, statuses: tuple[str, ...] = ("SUPERSEDED", "DEPLOYED")) -> list[Release]:
    hooks = [{"name": "image-manager-hook", "kind": "NetworkPolicy", "path": "image-manager/templates/hook.yaml",
              "manifest": HOOK.format(ns=ns), "events": [5]}]
    return [release_from_proto(helm2_proto(name=NAME, version=v, status=s, namespace=ns,
                                           manifest=seed_manifest(ns, v),
                                           hooks=hooks).SerializeToString())
            for v, s in enumerate(statuses, 1)]


def history(helm_major: int, ns: str, statuses: tuple[str, ...] = ("superseded", "deployed")) -> list[Release]:
    if helm_major == 2:
        return helm2_history(ns, tuple(s.upper().replace("-", "_") for s in statuses))
    return helm3_history(ns, statuses)
