#!/usr/bin/env python3
"""Decode-and-scan cost of Helm release records, against bare base64 + gunzip + json.loads.

Builds N Helm 3 revisions (default 5,000) whose manifests are about 30 KB each, encoded as Helm
stores them, then times over the same payloads:
  bare     base64 decode, gunzip, json.loads (the least any reader must do)
  kubehop  decode_body (bounded gunzip, validation, Release model) + every scan rule on the manifest
and prints both side by side with the ratio. Goal: scanning adds at most 50% (ratio <= 1.50).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kubehop.helm.codec import decode_body
from kubehop.helm.inventory import scan_release
from kubehop.helm.manifest_scan import ManifestScanner
from kubehop.helm.release import StoredRecord, StoredRelease
from kubehop.lifecycle import Lifecycle
from kubehop.model import KubeVersion
from kubehop.scan import Scanner, ScanOptions

DEPLOYMENT = """---
# Source: shop/templates/deployment-{i}.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-{i}
  labels: {{app: shop-{i}, revision: "{rev}"}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: shop-{i}}}
  template:
    metadata:
      labels: {{app: shop-{i}}}
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/app-{i}:1.{rev}
          ports: [{{containerPort: 8080}}]
          env:
            - {{name: LOG_LEVEL, value: info}}
            - {{name: FEATURE_FLAGS, value: "a,b,c,d"}}
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: 500m, memory: 512Mi}}
---
# Source: shop/templates/service-{i}.yaml
apiVersion: v1
kind: Service
metadata:
  name: shop-{i}
spec:
  selector: {{app: shop-{i}}}
  ports: [{{port: 80, targetPort: 8080}}]
---
# Source: shop/templates/configmap-{i}.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-{i}
data:
  settings.yaml: |
{settings}
"""
LEGACY = """---
# Source: shop/templates/ingress.yaml
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - backend: {serviceName: shop-0, servicePort: 80}
"""


def manifest(revision: int, size: int) -> str:
    settings = "\n".join(f"    key{n}: value-{n}-{revision}" for n in range(20))
    parts, i = [LEGACY], 0
    while sum(map(len, parts)) < size:
        parts.append(DEPLOYMENT.format(i=i, rev=revision, settings=settings))
        i += 1
    return "".join(parts)


def payloads(count: int, size: int) -> list[str]:
    out = []
    for rev in range(1, count + 1):
        body = {"name": "shop", "namespace": "default", "version": rev,
                "info": {"status": "superseded", "first_deployed": "2024-01-01T00:00:00Z",
                         "last_deployed": "2024-01-01T00:00:00Z", "deleted": "", "description": "Upgrade complete"},
                "chart": {"metadata": {"name": "shop", "version": "1.0.0", "appVersion": "1.0"}},
                "config": {}, "manifest": manifest(rev, size)}
        out.append(base64.b64encode(gzip.compress(json.dumps(body).encode(), 6)).decode())
    return out


def bare(items: list[str]) -> float:
    start = time.perf_counter()
    for payload in items:
        json.loads(gzip.decompress(base64.b64decode(payload)))
    return time.perf_counter() - start


def decode_only(items: list[str]) -> float:
    start = time.perf_counter()
    for index, payload in enumerate(items, 1):
        decode_body(payload, 3, key=f"sh.helm.release.v1.shop.v{index}")
    return time.perf_counter() - start


def kubehop(items: list[str], target: KubeVersion) -> tuple[float, int]:
    lifecycle = Lifecycle.default()
    scanner = ManifestScanner(Scanner(ScanOptions(target=target, lifecycle=lifecycle)))
    findings = 0
    start = time.perf_counter()
    for index, payload in enumerate(items, 1):
        key = f"sh.helm.release.v1.shop.v{index}"
        release = decode_body(payload, 3, key=key)
        record = StoredRecord(storage="bench", key=key, namespace="default", helm_major=3, labels={},
                              payload=payload, raw={})
        findings += sum(1 for _ in scan_release(StoredRelease(record, release), scanner))
    return time.perf_counter() - start, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--size", type=int, default=30_000, help="manifest bytes per revision")
    parser.add_argument("--target", default="1.22")
    parser.add_argument("--repeat", type=int, default=5, help="best of N interleaved runs")
    args = parser.parse_args()

    items = payloads(args.count, args.size)
    stored = sum(map(len, items))
    manifest_bytes = len(manifest(1, args.size)) * args.count
    target = KubeVersion.parse(args.target)
    bare_runs, decode_runs, runs = [], [], []
    for _ in range(args.repeat):  # interleaved, best of N: the machine's load affects all three alike
        bare_runs.append(bare(items))
        decode_runs.append(decode_only(items))
        runs.append(kubehop(items, target))
    bare_s, decode_s = min(bare_runs), min(decode_runs)
    kubehop_s, findings = min(r[0] for r in runs), runs[0][1]
    ratio = kubehop_s / bare_s
    rows = [
        ("revisions", f"{args.count}", ""),
        ("manifest MiB (total)", f"{manifest_bytes / 2**20:.1f}", f"stored payload {stored / 2**20:.1f} MiB"),
        ("bare base64+gunzip+json.loads", f"{bare_s:.3f} s", f"{args.count / bare_s:,.0f} rev/s"),
        ("kubehop decode only", f"{decode_s:.3f} s", f"{args.count / decode_s:,.0f} rev/s"),
        ("kubehop decode+scan", f"{kubehop_s:.3f} s", f"{args.count / kubehop_s:,.0f} rev/s, {findings} findings"),
        ("ratio kubehop / bare", f"{ratio:.2f}x", "goal <= 1.50x: " + ("met" if ratio <= 1.5 else "NOT met")),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>12}  note")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value:>12}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
