#!/usr/bin/env python3
"""Write examples/releases/: the image-manager release of the upgrade story as stored Helm records.

helm3-image-manager.yaml: Helm 3 Secrets (namespace default), revisions 1..3.
helm2-image-manager.yaml: the same history as Helm 2 Tiller ConfigMaps (namespace kube-system).
Both are `kubectl get -o yaml`-style Lists that `kubehop releases --storage file:PATH` reads.
Everything is fixed (times included), so running this again gives the same files.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kubehop.fsutil import write_atomically
from kubehop.helm import wire
from kubehop.helm.codec_v2 import release_from_proto
from kubehop.helm.codec_v3 import release_from_json
from kubehop.helm.records import object_for, release_labels
from kubehop.helm.release import Release
from kubehop.helm.storage.file import dump_items

OUT = Path(__file__).resolve().parents[1] / "examples" / "releases"
NAME, NAMESPACE = "image-manager", "default"
BASE_TIME = datetime.datetime(2020, 11, 3, 1, 35, 29, tzinfo=datetime.UTC)

MANIFEST = """---
# Source: image-manager/templates/daemonset.yaml
apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: image-manager-agent
  labels:
    app: image-manager-agent
spec:
  template:
    metadata:
      labels:
        app: image-manager-agent
    spec:
      containers:
        - name: agent
          image: registry.example.com/image-manager-agent:{app}
---
# Source: image-manager/templates/statefulset.yaml
apiVersion: apps/v1beta1
kind: StatefulSet
metadata:
  name: image-manager
spec:
  serviceName: image-manager
  replicas: 1
  template:
    metadata:
      labels:
        app: image-manager
    spec:
      containers:
        - name: manager
          image: registry.example.com/image-manager:{app}
---
# Source: image-manager/templates/ingress.yaml
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: image-manager
spec:
  rules:
    - host: images.example.com
      http:
        paths:
          - path: /
            backend:
              serviceName: image-manager
              servicePort: 8080
"""

HOOK = """# Source: image-manager/templates/hook-rbac.yaml
apiVersion: rbac.authorization.k8s.io/v1beta1
kind: ClusterRole
metadata:
  name: image-manager-init-certs
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "create"]
"""


def revision_facts(revision: int) -> tuple[str, str, str, datetime.datetime]:
    status = "deployed" if revision == 3 else "superseded"
    chart_version = f"0.1.{revision - 1}"
    app = f"3.3.200{revision}"
    return status, chart_version, app, BASE_TIME + datetime.timedelta(days=revision - 1)


def go_time(moment: datetime.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def helm3(revision: int) -> Release:
    status, chart_version, app, when = revision_facts(revision)
    return release_from_json({
        "name": NAME,
        "info": {"first_deployed": go_time(BASE_TIME), "last_deployed": go_time(when), "deleted": "",
                 "description": "Install complete" if revision == 1 else "Upgrade complete", "status": status},
        "chart": {"metadata": {"name": NAME, "version": chart_version, "description": "Image manager",
                               "apiVersion": "v1", "appVersion": app},
                  "lock": None, "templates": [], "values": {"replicas": 1}, "schema": None, "files": []},
        "config": {"image": {"tag": app}},
        "manifest": MANIFEST.format(app=app),
        "hooks": [{"name": "image-manager-init-certs", "kind": "ClusterRole",
                   "path": "image-manager/templates/hook-rbac.yaml", "manifest": HOOK,
                   "events": ["pre-install", "pre-upgrade"],
                   "last_run": {"started_at": "", "completed_at": "", "phase": ""}}],
        "version": revision,
        "namespace": NAMESPACE,
    })


def _msg(number: int, *parts: wire.Field) -> wire.Field:
    return wire.make_bytes(number, wire.serialize(parts))


def _text(number: int, value: str) -> wire.Field:
    return wire.make_bytes(number, value.encode())


def _time(number: int, moment: datetime.datetime) -> wire.Field:
    return _msg(number, wire.make_varint(1, int(moment.timestamp())))


def helm2(revision: int) -> Release:
    """hapi.release.Release, field by field (hapi/release/*.proto, hapi/chart/*.proto of Helm v2.17.0)."""
    status, chart_version, app, when = revision_facts(revision)
    code = {"deployed": 1, "superseded": 3}[status]
    body = wire.serialize([
        _text(1, NAME),
        _msg(2, _msg(1, wire.make_varint(1, code)), _time(2, BASE_TIME), _time(3, when),
             _text(5, "Install complete" if revision == 1 else "Upgrade complete")),
        _msg(3, _msg(1, _text(1, NAME), _text(4, chart_version), _text(5, "Image manager"), _text(10, "v1"),
                     _text(13, app)),
             _msg(4, _text(1, "replicas: 1\n"))),
        _msg(4, _text(1, f"image:\n  tag: {app}\n")),
        _text(5, MANIFEST.format(app=app)),
        _msg(6, _text(1, "image-manager-init-certs"), _text(2, "ClusterRole"),
             _text(3, "image-manager/templates/hook-rbac.yaml"), _text(4, HOOK),
             wire.make_bytes(5, bytes([1, 5]))),
        wire.make_varint(7, revision),
        _text(8, NAMESPACE),
    ])
    return release_from_proto(body)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for filename, build, kind, namespace in (
        ("helm3-image-manager.yaml", helm3, "Secret", NAMESPACE),
        ("helm2-image-manager.yaml", helm2, "ConfigMap", "kube-system"),
    ):
        items = []
        for revision in (1, 2, 3):
            release = build(revision)
            when = int(revision_facts(revision)[3].timestamp())
            labels = release_labels(release, now=when, created=False)
            items.append(object_for(release, kind=kind, namespace=namespace, labels=labels))
        write_atomically(OUT / filename, dump_items(items))
        print(f"wrote {OUT / filename}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
