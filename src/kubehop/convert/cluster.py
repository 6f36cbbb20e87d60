"""Live selectors from a cluster for `kubehop convert --cluster` (the I/O edge): the workloads that
need a selector are read through apps/v1, one GET each; a workload the cluster does not have is
simply not found (a fresh install may choose any selector)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from kubehop.convert.live import LiveKey, key_of
from kubehop.errors import ClusterRequestError
from kubehop.manifests.reader import list_item

PLURALS = {"Deployment": "deployments", "DaemonSet": "daemonsets", "StatefulSet": "statefulsets",
           "ReplicaSet": "replicasets"}


class Reader(Protocol):
    def get(self, path: str, query: list[tuple[str, str]] | None = None, accept: str = "application/json",
            what: str = "") -> dict[str, Any]: ...


def workloads_needing_a_selector(objects: Iterable[Mapping[str, Any]]) -> list[LiveKey]:
    """(kind, namespace, name) of every workload without spec.selector (List items included)."""
    keys: list[LiveKey] = []
    for obj in objects:
        items = obj.get("items")
        if str(obj.get("kind", "")).endswith("List") and isinstance(items, list):
            keys += workloads_needing_a_selector(i for i in (list_item(obj, raw) for raw in items) if i is not None)
            continue
        spec = obj.get("spec")
        if obj.get("kind") in PLURALS and not (isinstance(spec, Mapping) and spec.get("selector")):
            key = key_of(obj)
            if key[2] and key not in keys:
                keys.append(key)
    return keys


def fetch_live(reader: Reader, keys: Iterable[LiveKey], default_namespace: str) -> dict[LiveKey, dict[str, Any]]:
    """The live objects for these keys, indexed by the manifest's own key (its namespace may be empty)."""
    found: dict[LiveKey, dict[str, Any]] = {}
    for kind, namespace, name in keys:
        where = namespace or default_namespace
        path = f"/apis/apps/v1/namespaces/{where}/{PLURALS[kind]}/{name}"
        try:
            found[(kind, namespace, name)] = reader.get(path, what=f"get {kind} {where}/{name}")
        except ClusterRequestError as exc:
            if exc.status != 404:
                raise
    return found
