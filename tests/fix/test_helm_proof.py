"""Proof with the real helm binary and Helm's SQL driver (real PostgreSQL): after `kubehop releases fix`,
`helm history` shows the new deployed revision, `helm get manifest` the converted manifest, and
`helm upgrade --dry-run` against an API server that serves only Kubernetes 1.19's APIs gets past the
"unable to build kubernetes objects from current release manifest" error it gave before."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kubehop.cli import main
from kubehop.helm.storage.sql import SqlStorage
from tests.fix.conftest import helm_env
from tests.fix.seed import NAME, history
from tests.fixtures.kube_api import KubeApi, write_kubeconfig
from tests.fixtures.postgres import Postgres
from tests.fixtures.tools import Helm

pytestmark = [pytest.mark.helm, pytest.mark.postgres]

# What a Kubernetes 1.19 API server serves for the kinds in the seed release (no extensions/v1beta1
# DaemonSet, no apps/v1beta1 StatefulSet: both were removed in 1.16; extensions/v1beta1 Ingress remains).
RESOURCES_1_19 = {
    "v1": [("configmaps", "ConfigMap"), ("secrets", "Secret"), ("services", "Service")],
    "apps/v1": [("daemonsets", "DaemonSet"), ("deployments", "Deployment"), ("statefulsets", "StatefulSet")],
    "networking.k8s.io/v1": [("ingresses", "Ingress"), ("networkpolicies", "NetworkPolicy")],
    "networking.k8s.io/v1beta1": [("ingresses", "Ingress")],
    "extensions/v1beta1": [("ingresses", "Ingress")],
}


def _discovery(path: str) -> Any:
    if path == "/version":
        return {"major": "1", "minor": "19", "gitVersion": "v1.19.3", "platform": "linux/amd64"}
    if path == "/api":
        return {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}
    groups: dict[str, list[str]] = {}
    for gv in RESOURCES_1_19:
        if "/" in gv:
            group, version = gv.split("/")
            groups.setdefault(group, []).append(version)
    if path == "/apis":
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
             "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]}} for g, vs in groups.items()]}
    gv = path.removeprefix("/api/").removeprefix("/apis/")
    if gv in RESOURCES_1_19:
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": [
            {"name": plural, "singularName": kind.lower(), "namespaced": True, "kind": kind,
             "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}
            for plural, kind in RESOURCES_1_19[gv]]}
    return None


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = _discovery(self.path.split("?")[0])
        status = 200
        if body is None:  # every object lookup: nothing exists in this cluster
            status, body = 404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                                 "code": 404, "message": f"{self.path} not found"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def api_1_19(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield write_kubeconfig(tmp_path_factory.mktemp("k119") / "kubeconfig", f"http://127.0.0.1:{server.server_port}")
    server.shutdown()


CHART_TEMPLATES = {
    "daemonset.yaml": """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: image-manager-init-certs
spec:
  selector:
    matchLabels: {app: image-manager-init-certs, release: image-manager}
  template:
    metadata:
      labels: {app: image-manager-init-certs, release: image-manager}
    spec:
      containers: [{name: init-certs, image: "registry.example.com/image-manager-init:3.3.2002"}]
""",
    "ingress.yaml": """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: image-manager
spec:
  rules:
    - host: images.example.com
      http:
        paths:
          - path: /
            pathType: ImplementationSpecific
            backend: {service: {name: image-manager, port: {number: 8600}}}
""",
}


def _chart(root: Path) -> Path:
    chart = root / "image-manager"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: image-manager\nversion: 3.3.2002\n")
    for name, text in CHART_TEMPLATES.items():
        (chart / "templates" / name).write_text(text)
    return chart


def _helm(helm: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([helm, *args], env=env, capture_output=True, text=True, timeout=60, check=False)


def test_helm_upgrade_works_after_the_fix_through_the_sql_driver(
        any_helm: Helm, kube_api: KubeApi, postgres: Postgres, api_1_19: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    ns = "imaging"
    helm_binary = any_helm.path
    helm_sql = postgres.fresh_database()
    assert _helm(helm_binary, helm_env(kube_api, "sql", helm_sql), "list", "-A").returncode == 0  # Helm's schema
    storage = SqlStorage(helm_sql)
    try:
        for release in history(3, ns):
            storage.create(release)
    finally:
        storage.close()
    env = helm_env(kube_api, "sql", helm_sql, kubeconfig=api_1_19)
    chart = _chart(tmp_path)
    upgrade = ("upgrade", NAME, str(chart), "-n", ns, "--dry-run", "--disable-openapi-validation")
    before = _helm(helm_binary, env, *upgrade)
    assert before.returncode != 0
    assert "unable to build kubernetes objects from current release manifest" in before.stderr

    monkeypatch.setenv("HELM_DRIVER_SQL_CONNECTION_STRING", helm_sql)
    monkeypatch.chdir(tmp_path)
    assert main(["releases", "fix", NAME, "--storage", "sql", "-n", ns, "--target", "1.19",
                 "--backup", str(tmp_path / "backup.jsonl")]) == 0
    assert "revision 3 deployed, converted from revision 2" in capsys.readouterr().out

    listed = _helm(helm_binary, env, "history", NAME, "-n", ns, "-o", "json")
    assert listed.returncode == 0, listed.stderr
    assert [(h["revision"], h["status"], h["description"]) for h in json.loads(listed.stdout)] == [
        (1, "superseded", "Install complete"), (2, "superseded", "Upgrade complete"),
        (3, "deployed", "kubehop: converted APIs for Kubernetes 1.19 from revision 2")]
    manifest = _helm(helm_binary, env, "get", "manifest", NAME, "-n", ns)
    assert manifest.returncode == 0, manifest.stderr
    assert "apiVersion: apps/v1\nkind: DaemonSet" in manifest.stdout
    assert 'apiVersion: "apps/v1"\nkind: StatefulSet' in manifest.stdout
    assert "apiVersion: networking.k8s.io/v1\nkind: Ingress" in manifest.stdout
    assert "extensions/v1beta1" not in manifest.stdout and "apps/v1beta1" not in manifest.stdout

    after = _helm(helm_binary, env, *upgrade)
    assert "unable to build kubernetes objects" not in after.stderr
    assert after.returncode == 0, after.stderr
    assert "REVISION: 4" in after.stdout and "registry.example.com/image-manager-init:3.3.2002" in after.stdout
