"""Every storage backend the fix runs against: file, SQL (real PostgreSQL), Secrets/ConfigMaps and Tiller's
(kmock API server). Each test gets its own namespace (or file) so the session servers are shared."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kubehop.helm.release import Release
from kubehop.helm.storage.base import ReleaseStorage
from tests.fixtures.kube_api import KubeApi
from tests.fixtures.postgres import Postgres

BACKENDS = [("file", 3), ("file", 2), ("sql", 3), ("secret", 3), ("configmap", 3),
            ("tiller-configmap", 2), ("tiller-secret", 2)]
BACKEND_IDS = [f"{name}-helm{major}" for name, major in BACKENDS]


def helm_env(kube_api: KubeApi, driver: str, sql: str = "", kubeconfig: Path | None = None) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
           "KUBECONFIG": str(kubeconfig or kube_api.kubeconfig), "HELM_DRIVER": driver,
           "HELM_CACHE_HOME": "/tmp/kubehop-helm-cache", "HELM_CONFIG_HOME": "/tmp/kubehop-helm-config"}
    if sql:
        env["HELM_DRIVER_SQL_CONNECTION_STRING"] = sql
    return env


@pytest.fixture(scope="session")
def helm_sql(helm_binary: str, kube_api: KubeApi, postgres: Postgres) -> str:
    """A database whose releases_v1 schema Helm itself created (kubehop never creates it)."""
    url = postgres.fresh_database()
    done = subprocess.run([helm_binary, "list", "-A", "-o", "json"], env=helm_env(kube_api, "sql", url),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and json.loads(done.stdout) == [], done.stderr
    return url


@dataclass
class Backend:
    """One storage backend, the namespace this test's release lives in, and how to open the storage again."""

    spec: str
    helm_major: int
    namespace: str  # the release's namespace
    record_namespace: str  # where records live (Tiller namespace for Helm 2 Kubernetes storage)
    opened: list[Any]
    factory: Any

    def open(self) -> ReleaseStorage:
        storage: ReleaseStorage = self.factory()
        self.opened.append(storage)
        return storage

    def seed(self, releases: list[Release]) -> ReleaseStorage:
        storage = self.open()
        for release in releases:
            storage.create(release)
        return storage


@pytest.fixture(params=BACKENDS, ids=BACKEND_IDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    name, major = request.param
    opened: list[Any] = []
    if name == "file":
        from kubehop.helm.storage.file import FileStorage

        path = tmp_path / "releases.yaml"
        made = Backend(f"file:{path}", major, "kube-system", "kube-system", opened,
                       lambda: FileStorage(path, tiller_namespace="kube-system"))
    elif name == "sql":
        from kubehop.helm.storage.sql import SqlStorage

        url = request.getfixturevalue("helm_sql")
        ns = f"ns{os.urandom(4).hex()}"
        made = Backend("sql", 3, ns, ns, opened, lambda: SqlStorage(url))
    else:
        from kubehop.helm.storage.kube import KubeStorage

        kube_api: KubeApi = request.getfixturevalue("kube_api")
        ns = kube_api.namespace()
        kind = "Secret" if name.endswith("secret") else "ConfigMap"
        made = Backend(name, major, "apps" if major == 2 else ns, ns, opened,
                       lambda: KubeStorage(kube_api.api_client(), kind=kind, helm_major=major, tiller_namespace=ns))
        made.kube_api = kube_api  # type: ignore[attr-defined]
    yield made
    for storage in opened:
        close = getattr(storage, "close", None)
        if close is not None:
            close()
