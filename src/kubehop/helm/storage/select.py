"""Pick the storage backend as Helm does ($HELM_DRIVER) or from --storage."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from kubehop.errors import UsageError
from kubehop.helm.release import DEFAULT_TILLER_NAMESPACE
from kubehop.helm.storage.base import ReleaseStorage

STORAGE_CHOICES = ("secret", "configmap", "sql", "tiller-configmap", "tiller-secret", "file:PATH")
SQL_ENV = "HELM_DRIVER_SQL_CONNECTION_STRING"


def storage_spec_from_env(env: Mapping[str, str]) -> str:
    """Helm's HELM_DRIVER: "" / secret / secrets -> secret, configmap(s) -> configmap, sql -> sql."""
    driver = env.get("HELM_DRIVER", "").strip()
    if driver in ("", "secret", "secrets"):
        return "secret"
    if driver in ("configmap", "configmaps"):
        return "configmap"
    if driver == "sql":
        return "sql"
    raise UsageError(f"HELM_DRIVER={driver!r} is not supported (use secret, configmap or sql, or --storage)")


def open_storage(
    spec: str | None,
    *,
    kubeconfig: str | None = None,
    context: str | None = None,
    tiller_namespace: str | None = None,
    env: Mapping[str, str] | None = None,
    api_client_factory: Callable[[str | None, str | None], Any] | None = None,
) -> ReleaseStorage:
    env = os.environ if env is None else env
    spec = spec or storage_spec_from_env(env)
    tiller_ns = tiller_namespace or env.get("TILLER_NAMESPACE") or DEFAULT_TILLER_NAMESPACE
    if spec.startswith("file:"):
        from kubehop.helm.storage.file import FileStorage

        if not spec[5:]:
            raise UsageError("--storage file:PATH needs a path")
        return FileStorage(spec[5:], tiller_namespace=tiller_ns)
    if spec == "sql":
        from kubehop.helm.storage.sql import SqlStorage

        connection = env.get(SQL_ENV, "")
        if not connection:
            raise UsageError(f"the sql storage needs ${SQL_ENV} (as Helm does)")
        return SqlStorage(connection)
    kinds = {"secret": ("Secret", 3), "configmap": ("ConfigMap", 3),
             "tiller-configmap": ("ConfigMap", 2), "tiller-secret": ("Secret", 2)}
    if spec not in kinds:
        raise UsageError(f"unknown storage {spec!r}; choose one of {', '.join(STORAGE_CHOICES)}")
    from kubehop.helm.storage.kube import KubeStorage

    if api_client_factory is None:
        from kubehop.cluster import api_client

        api_client_factory = api_client
    kind, major = kinds[spec]
    return KubeStorage(api_client_factory(kubeconfig, context), kind=kind, helm_major=major,
                       tiller_namespace=tiller_ns)
