"""Kubernetes Secret / ConfigMap storage: Helm 3's secret and configmap drivers and Tiller's (Helm 2)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from kubehop.errors import ConflictError, RecordNotFoundError, StorageError
from kubehop.helm.records import object_for, read_object, record_from_object, release_labels, update_labels
from kubehop.helm.release import (
    DEFAULT_TILLER_NAMESPACE,
    BadRecord,
    Release,
    StoredRecord,
    helm2_status_label,
)
from kubehop.helm.storage.base import Query

DEFAULT_PAGE_SIZE = 100
# (connect, read) seconds: a stalled API server fails the command instead of hanging it.
REQUEST_TIMEOUT = (10, 120)


class KubeStorage:
    """Records stored as Secrets or ConfigMaps through the Kubernetes API (official client)."""

    def __init__(
        self,
        api_client: Any,
        *,
        kind: str,
        helm_major: int,
        tiller_namespace: str = DEFAULT_TILLER_NAMESPACE,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        from kubernetes import client

        if kind not in ("Secret", "ConfigMap"):
            raise ValueError(kind)
        self._core = client.CoreV1Api(api_client)
        self._kind = kind
        self._helm_major = helm_major
        self._tiller_namespace = tiller_namespace
        self._page_size = page_size
        resource = "secret" if kind == "Secret" else "config_map"
        self._call: Callable[[str], Callable[..., Any]] = (
            lambda verb: getattr(self._core, verb.format(resource))
        )

    @property
    def name(self) -> str:
        base = "secret" if self._kind == "Secret" else "configmap"
        return f"tiller-{base}" if self._helm_major == 2 else base

    @property
    def helm_major(self) -> int:
        return self._helm_major

    def _selector(self, query: Query) -> str:
        if self._helm_major == 2:
            parts = ["OWNER=TILLER"]
            if query.name:
                parts.append(f"NAME={query.name}")
            if query.status:
                parts.append(f"STATUS={helm2_status_label(query.status)}")
        else:
            parts = ["owner=helm"]
            if query.name:
                parts.append(f"name={query.name}")
            if query.status:
                parts.append(f"status={query.status}")
        return ",".join(parts)

    def _request(self, verb: str, *args: Any, **kwargs: Any) -> Any:
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            response = self._call(verb)(*args, _preload_content=False, _request_timeout=REQUEST_TIMEOUT, **kwargs)
            return json.loads(response.data)
        except ApiException as exc:
            where = f"{self.name} {verb.split('_')[0]} {args[0] if args else ''}".strip()
            if exc.status == 409:
                raise ConflictError(f"{where}: {exc.reason} (changed or created meanwhile; nothing written)") from exc
            if exc.status == 404:
                raise RecordNotFoundError(f"{where}: not found") from exc
            raise StorageError(f"{where}: Kubernetes API answered {exc.status} {exc.reason}") from exc
        except (HTTPError, OSError) as exc:
            raise StorageError(f"{self.name}: cannot reach the Kubernetes API ({exc})") from exc

    def list(self, query: Query) -> Iterator[StoredRecord | BadRecord]:
        namespace = self._tiller_namespace if self._helm_major == 2 else query.namespace
        token: str | None = None
        while True:
            options: dict[str, Any] = {"label_selector": self._selector(query), "limit": self._page_size}
            if token:
                options["_continue"] = token
            if namespace:
                page = self._request("list_namespaced_{}", namespace, **options)
            else:
                page = self._request("list_{}_for_all_namespaces", **options)
            for item in page.get("items") or []:
                item.setdefault("kind", self._kind)
                item.setdefault("apiVersion", "v1")
                yield read_object(item, self.name)
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return

    def get(self, namespace: str, key: str) -> StoredRecord:
        obj = self._request("read_namespaced_{}", key, namespace)
        obj.setdefault("kind", self._kind)
        obj.setdefault("apiVersion", "v1")
        return record_from_object(obj, self.name)

    def _namespace_for(self, release: Release) -> str:
        return self._tiller_namespace if self._helm_major == 2 else (release.namespace or "default")

    def _check_generation(self, release: Release) -> None:
        if release.helm_major != self._helm_major:
            raise StorageError(f"{self.name} stores Helm {self._helm_major} records, not Helm {release.helm_major}")

    def create(self, release: Release, *, labels: Mapping[str, str] = {}, namespace: str | None = None) -> StoredRecord:
        self._check_generation(release)
        namespace = namespace or self._namespace_for(release)
        body = object_for(release, kind=self._kind, namespace=namespace,
                          labels=release_labels(release, now=int(time.time()), created=True, extra=labels))
        created = self._request("create_namespaced_{}", namespace, body)
        created.setdefault("kind", self._kind)
        return record_from_object(created, self.name)

    def update(self, release: Release, expected: StoredRecord) -> StoredRecord:
        self._check_generation(release)
        if expected.resource_version is None:
            raise StorageError(f"{expected.key}: record has no resourceVersion; read it from the API first")
        body = object_for(
            release, kind=self._kind, namespace=expected.namespace, key=expected.key,
            labels=update_labels(release, expected.labels, now=int(time.time())),
            resource_version=expected.resource_version, secret_type=expected.raw.get("type"),
        )
        replaced = self._request("replace_namespaced_{}", expected.key, expected.namespace, body)
        replaced.setdefault("kind", self._kind)
        return record_from_object(replaced, self.name)

    def delete(self, expected: StoredRecord) -> None:
        from kubernetes import client

        preconditions = client.V1Preconditions(resource_version=expected.resource_version)
        self._request("delete_namespaced_{}", expected.key, expected.namespace,
                      body=client.V1DeleteOptions(preconditions=preconditions))

    def put_raw(self, raw: Mapping[str, Any]) -> StoredRecord:
        """Write a stored object back with the labels, type and data a backup holds; for restores.

        Server-set metadata (resourceVersion, uid, timestamps) cannot be restored and is dropped.
        """
        server_set = ("resourceVersion", "uid", "creationTimestamp", "managedFields", "generation", "selfLink")
        metadata = {k: v for k, v in (raw.get("metadata") or {}).items() if k not in server_set}
        body = {**raw, "metadata": metadata, "kind": self._kind, "apiVersion": "v1"}
        namespace, key = str(metadata.get("namespace") or ""), str(metadata.get("name") or "")
        try:
            current = self._request("read_namespaced_{}", key, namespace)
        except RecordNotFoundError:
            written = self._request("create_namespaced_{}", namespace, body)
        else:
            metadata["resourceVersion"] = (current.get("metadata") or {}).get("resourceVersion")
            written = self._request("replace_namespaced_{}", key, namespace, body)
        written.setdefault("kind", self._kind)
        written.setdefault("apiVersion", "v1")
        return record_from_object(written, self.name)
