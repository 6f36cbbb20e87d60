"""The real helm binary reads what kubehop writes (Secrets/ConfigMaps via the kmock API server; SQL)."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubehop.helm.inventory import decode_record
from kubehop.helm.release import StoredRelease
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.kube import KubeStorage
from kubehop.helm.storage.sql import SqlStorage
from tests.fixtures.kube_api import KubeApi
from tests.fixtures.postgres import Postgres
from tests.fixtures.tools import Helm
from tests.helm.factories import helm3_body, helm3_release, manifest_for
from tests.helm.test_payload import go_style

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


# Records written by other tools: a body wrapped at 64 or 76 columns, CRLF, a final newline, no gzip.
# kubehop reads every variant, and so does the real helm (its decodeRelease uses Go's base64, which
# ignores CR and LF). The Secret's own data encoding is varied too (the API server decodes it with Go).
VARIANT = st.fixed_dictionaries({
    "gz": st.booleans(), "width": st.sampled_from([None, 64, 76]), "eol": st.sampled_from(["\n", "\r\n"]),
    "trailing": st.booleans(),
})
HISTORY = st.lists(VARIANT, min_size=3, max_size=3)
STATUSES = ("superseded", "superseded", "deployed")


def _bodies(ns: str, variants: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """(revision, status, payload) of three revisions, each encoded with its own variant."""
    out = []
    for version, (status, variant) in enumerate(zip(STATUSES, variants, strict=True), 1):
        body = helm3_body(namespace=ns, version=version, status=status,
                          manifest=manifest_for("demo") + f"# revision {version}\n")
        out.append((version, status, go_style(json.dumps(body).encode(), **variant)))
    return out


def _labels(version: int, status: str) -> dict[str, str]:
    return {"name": "demo", "owner": "helm", "status": status, "version": str(version)}


def _assert_both_read(helm: str, kube_api: KubeApi, storage: KubeStorage | SqlStorage, driver: str, ns: str,
                      sql: str = "") -> None:
    read = [decode_record(r) for r in storage.list(Query(name="demo", namespace=ns))]
    assert sorted((r.release.version, r.release.status) for r in read if isinstance(r, StoredRelease)) == [
        (1, "superseded"), (2, "superseded"), (3, "deployed")], read
    history = json.loads(run_helm(helm, kube_api, driver, "history", "demo", "-n", ns, "-o", "json", sql=sql))
    assert [(h["revision"], h["status"]) for h in history] == [(1, "superseded"), (2, "superseded"),
                                                               (3, "deployed")]


@pytest.mark.parametrize("kind", ["Secret", "ConfigMap"])
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(variants=HISTORY, outer=VARIANT)
def test_helm_and_kubehop_read_every_variant_in_secrets_and_configmaps(
        helm_binary: str, kube_api: KubeApi, kind: str, variants: list[dict[str, Any]],
        outer: dict[str, Any]) -> None:
    ns = kube_api.namespace()
    storage = KubeStorage(kube_api.api_client(), kind=kind, helm_major=3)
    for version, status, payload in _bodies(ns, variants):
        obj: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "metadata": {
            "name": f"sh.helm.release.v1.demo.v{version}", "namespace": ns, "labels": _labels(version, status)}}
        if kind == "Secret":
            obj["type"] = "helm.sh/release.v1"
            obj["data"] = {"release": go_style(payload.encode("ascii"), **{**outer, "gz": False})}
        else:
            obj["data"] = {"release": payload}
        storage.put_raw(obj)
    _assert_both_read(helm_binary, kube_api, storage, kind.lower(), ns)


@pytest.fixture(scope="module")
def sql_url(helm_binary: str, kube_api: KubeApi, postgres: Postgres) -> str:
    url = postgres.fresh_database()
    assert json.loads(run_helm(helm_binary, kube_api, "sql", "list", "-A", "-o", "json", sql=url)) == []
    return url


@pytest.mark.postgres
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(variants=HISTORY)
def test_helm_and_kubehop_read_every_variant_in_sql(helm_binary: str, kube_api: KubeApi, sql_url: str,
                                                    variants: list[dict[str, Any]]) -> None:
    ns = kube_api.namespace()
    storage = SqlStorage(sql_url)
    try:
        for version, status, payload in _bodies(ns, variants):
            storage.put_raw({"key": f"sh.helm.release.v1.demo.v{version}", "type": "helm.sh/release.v1",
                             "body": payload, "name": "demo", "namespace": ns, "version": version,
                             "status": status, "owner": "helm", "createdat": 1700000000, "modifiedat": 0})
        _assert_both_read(helm_binary, kube_api, storage, "sql", ns, sql=sql_url)
    finally:
        storage.close()
