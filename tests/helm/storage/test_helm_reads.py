"""The real helm binary reads what kubehop writes (Secrets/ConfigMaps via the kmock API server; SQL)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from kubehop.helm.storage.kube import KubeStorage
from kubehop.helm.storage.sql import SqlStorage
from tests.fixtures.kube_api import KubeApi
from tests.fixtures.postgres import Postgres
from tests.fixtures.tools import Helm
from tests.helm.factories import helm3_release, manifest_for

pytestmark = pytest.mark.helm


def run_helm(helm: str, kube_api: KubeApi, driver: str, *args: str, sql: str = "") -> str:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
           "KUBECONFIG": str(kube_api.kubeconfig), "HELM_DRIVER": driver,
           "HELM_CACHE_HOME": "/tmp/kubehop-helm-cache", "HELM_CONFIG_HOME": "/tmp/kubehop-helm-config"}
    if sql:
        env["HELM_DRIVER_SQL_CONNECTION_STRING"] = sql
    done = subprocess.run([helm, *args], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"helm {' '.join(args)} failed: {done.stderr}"
    return done.stdout


def write_history(storage: KubeStorage | SqlStorage, ns: str) -> None:
    storage.create(helm3_release(namespace=ns, version=1, status="superseded"))
    storage.create(helm3_release(namespace=ns, version=2, status="superseded",
                                 manifest=manifest_for("demo") + "# revision 2\n"))
    storage.create(helm3_release(namespace=ns, version=3, status="deployed",
                                 manifest=manifest_for("demo") + "# revision 3\n"))


def check_helm_agrees(helm: str, kube_api: KubeApi, driver: str, ns: str, sql: str = "") -> None:
    history = json.loads(run_helm(helm, kube_api, driver, "history", "demo", "-n", ns, "-o", "json", sql=sql))
    assert [(h["revision"], h["status"], h["chart"]) for h in history] == [
        (1, "superseded", "demo-0.1.0"), (2, "superseded", "demo-0.1.0"), (3, "deployed", "demo-0.1.0")]
    manifest = run_helm(helm, kube_api, driver, "get", "manifest", "demo", "-n", ns, sql=sql)
    assert "kind: DaemonSet" in manifest and "# revision 3" in manifest
    old = run_helm(helm, kube_api, driver, "get", "manifest", "demo", "-n", ns, "--revision", "2", sql=sql)
    assert "# revision 2" in old
    listed = json.loads(run_helm(helm, kube_api, driver, "list", "-n", ns, "-o", "json", sql=sql))
    assert [(r["name"], r["revision"], r["status"], r["app_version"]) for r in listed] == [
        ("demo", "3", "deployed", "1.0")]


@pytest.mark.parametrize(("kind", "driver"), [("Secret", "secret"), ("ConfigMap", "configmap")])
def test_helm_reads_kubehop_secrets_and_configmaps(any_helm: Helm, kube_api: KubeApi, kind: str,
                                                   driver: str) -> None:
    ns = kube_api.namespace()
    write_history(KubeStorage(kube_api.api_client(), kind=kind, helm_major=3), ns)
    check_helm_agrees(any_helm.path, kube_api, driver, ns)


@pytest.mark.postgres
def test_helm_reads_kubehop_sql_records(any_helm: Helm, kube_api: KubeApi, postgres: Postgres) -> None:
    url = postgres.fresh_database()
    # Helm creates its own schema (migrations) on first use; kubehop never does.
    assert json.loads(run_helm(any_helm.path, kube_api, "sql", "list", "-A", "-o", "json", sql=url)) == []
    storage = SqlStorage(url)
    try:
        write_history(storage, "apps")
    finally:
        storage.close()
    check_helm_agrees(any_helm.path, kube_api, "sql", "apps", sql=url)
