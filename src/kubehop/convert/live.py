"""Live objects (exported from the cluster) indexed by kind/namespace/name, so a converter can read
the selector an existing object really has."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kubehop.manifests.reader import list_item

LiveKey = tuple[str, str, str]  # (kind, namespace, name); the group is ignored on purpose
LiveIndex = Mapping[LiveKey, Mapping[str, Any]]


def key_of(obj: Mapping[str, Any]) -> LiveKey:
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
    assert isinstance(meta, Mapping)
    return (str(obj.get("kind") or ""), str(meta.get("namespace") or ""), str(meta.get("name") or ""))


def index_live(objects: Iterable[Mapping[str, Any]]) -> dict[LiveKey, Mapping[str, Any]]:
    """Index exported objects; List documents (`kind: List`, typed lists) are expanded."""
    index: dict[LiveKey, Mapping[str, Any]] = {}
    for obj in objects:
        items = obj.get("items")
        if str(obj.get("kind", "")).endswith("List") and isinstance(items, list):
            # Items of a typed list (`kubectl get --raw` output) may leave apiVersion/kind to the wrapper.
            index.update(index_live(i for i in (list_item(obj, raw) for raw in items) if i is not None))
        elif obj.get("kind"):
            index[key_of(obj)] = obj
    return index


def find_live(index: LiveIndex | None, obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The live object for obj; a manifest without a namespace matches a unique kind/name."""
    if not index:
        return None
    kind, namespace, name = key_of(obj)
    if (kind, namespace, name) in index:
        return index[(kind, namespace, name)]
    if not namespace:
        candidates = [v for (k, _ns, n), v in index.items() if k == kind and n == name]
        if len(candidates) == 1:
            return candidates[0]
    return None
