"""Records written by each real Helm (3 and 4): `releases list` tells them apart, and `releases fix` keeps every
field it does not change (Helm 4's `apply_method`, its chart `modtime`s, anything kubehop does not know).

Each Helm installs a chart through its SQL driver (real PostgreSQL) against a private kmock cluster that
serves extensions/v1beta1 Ingresses, as a Kubernetes 1.21 server does."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kmock import resource

from kubehop.cli import main
from kubehop.helm.codec import decode_body
from kubehop.helm.release import StoredRecord
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.sql import SqlStorage
from tests.fixtures.kube_cluster import KubeCluster, cluster_kubeconfig, start_cluster
from tests.fixtures.postgres import Postgres
from tests.fixtures.tools import Helm

pytestmark = [pytest.mark.helm, pytest.mark.postgres]

INGRESS = """apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: demo-web
spec:
  backend:
    serviceName: web
    servicePort: 80
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeCluster]:
    """A cluster of this module's own: Helm creates objects in it, which the shared one must not see."""
    made, stop = start_cluster()
    made.kubeconfig = cluster_kubeconfig(tmp_path_factory.mktemp("helm-cluster") / "kubeconfig", made.url)
    yield made
    stop()


def _chart(root: Path) -> Path:
    chart = root / "demo"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0\nappVersion: '2.0'\n")
    (chart / "values.yaml").write_text("replicas: 2\n")
    (chart / "templates" / "ingress.yaml").write_text(INGRESS)
    return chart


def _bodies(url: str, namespace: str) -> dict[int, dict[str, Any]]:
    storage = SqlStorage(url)
    try:
        records = [r for r in storage.list(Query(namespace=namespace)) if isinstance(r, StoredRecord)]
        bodies = {}
        for record in records:
            release = decode_body(record.payload, 3, key=record.key)
            assert isinstance(release.body, dict)
            bodies[release.version] = release.body
        return bodies
    finally:
        storage.close()


def _installed(helm: Helm, cluster: KubeCluster, url: str, tmp_path: Path) -> tuple[str, dict[str, str]]:
    ns = f"h{helm.major}-{uuid.uuid4().hex[:8]}"
    # Helm 4 applies server-side (a PATCH), which the emulator answers for objects that exist: create the
    # Ingress first, owned by the release as Helm requires for adopting it.
    cluster.emulator.objects[resource("extensions", "v1beta1", "ingresses"), ns, "demo-web"] = {
        "apiVersion": "extensions/v1beta1", "kind": "Ingress",
        "metadata": {"name": "demo-web", "namespace": ns, "labels": {"app.kubernetes.io/managed-by": "Helm"},
                     "annotations": {"meta.helm.sh/release-name": "demo", "meta.helm.sh/release-namespace": ns}}}
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "KUBECONFIG": str(cluster.kubeconfig),
           "HELM_DRIVER": "sql", "HELM_DRIVER_SQL_CONNECTION_STRING": url,
           "HELM_CONFIG_HOME": str(tmp_path / "config"), "HELM_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run([helm.path, "install", "demo", str(_chart(tmp_path)), "-n", ns,
                           "--disable-openapi-validation"], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return ns, env


def _kept(after: dict[str, Any], before: dict[str, Any]) -> None:
    """`after` has every field `before` has, with the same value, but the manifest and `info`."""
    assert set(after) == set(before)
    for name in set(before) - {"manifest", "info"}:
        assert after[name] == before[name], name
    assert set(after["info"]) >= set(before["info"])


def test_fix_keeps_every_field_each_helm_wrote(any_helm: Helm, cluster: KubeCluster, postgres: Postgres,
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    url = postgres.fresh_database()
    ns, env = _installed(any_helm, cluster, url, tmp_path)
    before = _bodies(url, ns)[1]
    assert ("apply_method" in before) == (any_helm.major >= 4)
    if any_helm.major >= 4:
        assert before["apply_method"] == "ssa"

    monkeypatch.setenv("HELM_DRIVER_SQL_CONNECTION_STRING", url)
    monkeypatch.chdir(tmp_path)
    assert main(["releases", "list", "--storage", "sql", "-n", ns, "-o", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)["releases"]
    assert (row["name"], row["revision"], row["helmVersion"]) == ("demo", 1, any_helm.major)

    assert main(["releases", "fix", "demo", "--storage", "sql", "-n", ns, "--target", "1.22",
                 "--backup", str(tmp_path / "backup.jsonl")]) == 0
    assert "revision 2 deployed, converted from revision 1" in capsys.readouterr().out
    bodies = _bodies(url, ns)
    after = bodies[2]
    # Every field the installing Helm wrote is kept as it was, but the converted manifest and the revision's own.
    assert set(after) == set(before)
    for name in set(before) - {"manifest", "version", "info"}:
        assert after[name] == before[name], name
    # (Helm 4 ends its manifest with a blank line, which the rewrite does not keep.)
    assert after["manifest"].rstrip("\n") == before["manifest"].replace(
        "apiVersion: extensions/v1beta1", "apiVersion: networking.k8s.io/v1").replace(
        "  backend:\n    serviceName: web\n    servicePort: 80\n",
        "  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n").rstrip("\n")
    assert set(after["info"]) >= set(before["info"]) and after["info"]["status"] == "deployed"
    assert bodies[1]["info"]["status"] == "superseded"
    assert {k: v for k, v in bodies[1].items() if k != "info"} == {k: v for k, v in before.items() if k != "info"}

    assert main(["releases", "list", "--storage", "sql", "-n", ns]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[1].split()[:4] == ["demo", ns, "2", "deployed"] and f"v{any_helm.major}" in table[1].split()

    # The Helm that wrote the release reads the new revision back.
    history = subprocess.run([any_helm.path, "history", "demo", "-n", ns, "-o", "json"], env=env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert history.returncode == 0, history.stderr
    assert [(h["revision"], h["status"]) for h in json.loads(history.stdout)] == [(1, "superseded"), (2, "deployed")]
    manifest = subprocess.run([any_helm.path, "get", "manifest", "demo", "-n", ns], env=env,
                              capture_output=True, text=True, timeout=60, check=False)
    assert "apiVersion: networking.k8s.io/v1\nkind: Ingress" in manifest.stdout, manifest.stderr


def test_rewrites_in_place_and_restores_keep_each_helms_fields(
        any_helm: Helm, cluster: KubeCluster, postgres: Postgres, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = postgres.fresh_database()
    ns, env = _installed(any_helm, cluster, url, tmp_path)
    upgrade = subprocess.run([any_helm.path, "upgrade", "demo", str(tmp_path / "demo"), "-n", ns,
                              "--disable-openapi-validation", "--set", "replicas=3"], env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert upgrade.returncode == 0, upgrade.stderr
    before = _bodies(url, ns)
    assert [before[v]["info"]["status"] for v in (1, 2)] == ["superseded", "deployed"]
    assert before[2]["config"] == {"replicas": 3}

    monkeypatch.setenv("HELM_DRIVER_SQL_CONNECTION_STRING", url)
    monkeypatch.chdir(tmp_path)
    backup = str(tmp_path / "backup.jsonl")
    assert main(["releases", "fix", "demo", "--storage", "sql", "-n", ns, "--target", "1.22", "--revisions", "all",
                 "--backup", backup]) == 0
    capsys.readouterr()
    after = _bodies(url, ns)
    assert sorted(after) == [1, 2, 3]
    _kept(after[1], before[1])  # rewritten in place: its status, description and times kept too
    assert after[1]["info"] == before[1]["info"] and "networking.k8s.io/v1" in after[1]["manifest"]
    _kept(after[2], before[2])
    _kept({**after[3], "version": 2}, before[2])  # the new revision: revision 2's fields, converted
    assert after[3]["info"]["status"] == "deployed" and after[2]["info"]["status"] == "superseded"

    assert main(["releases", "restore-backup", backup, "--storage", "sql"]) == 0
    assert _bodies(url, ns) == before  # every record back exactly, every field included
