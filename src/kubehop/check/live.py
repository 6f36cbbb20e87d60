"""Live objects, the server version and StorageClasses from a cluster (I/O edge, official client)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from kubehop.check.objects import CLUSTER_SCOPED_KINDS
from kubehop.errors import ClusterError

_PLURALS = {
    "Endpoints": "endpoints", "Ingress": "ingresses", "NetworkPolicy": "networkpolicies",
    "PodSecurityPolicy": "podsecuritypolicies", "StorageClass": "storageclasses", "PriorityClass": "priorityclasses",
    "IngressClass": "ingressclasses", "RuntimeClass": "runtimeclasses",
}


def plural(kind: str) -> str:
    if kind in _PLURALS:
        return _PLURALS[kind]
    lower = kind.lower()
    return lower + "es" if lower.endswith(("s", "x", "ch")) else lower[:-1] + "ies" if lower.endswith("y") \
        else lower + "s"


def object_path(api_version: str, kind: str, namespace: str, name: str) -> str:
    base = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
    scope = "" if kind in CLUSTER_SCOPED_KINDS or not namespace else f"/namespaces/{namespace}"
    return f"{base}{scope}/{plural(kind)}/{name}"


def request(client: Any, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One API call through the official client: (HTTP status, decoded JSON body or None)."""
    from kubernetes.client.exceptions import ApiException
    from urllib3.exceptions import HTTPError

    try:
        params = client.param_serialize(method=method, resource_path=path, body=body,
                                        header_params={"Content-Type": "application/json",
                                                       "Accept": "application/json"},
                                        auth_settings=["BearerToken"])
        response = client.call_api(*params)
        response.read()
    except ApiException as exc:
        return int(exc.status or 0), None
    except (HTTPError, OSError) as exc:
        raise ClusterError(f"{method} {path}: cannot reach the Kubernetes API ({exc})") from exc
    try:
        data = json.loads(response.data) if response.data else None
    except ValueError:
        data = None
    return int(response.status), data


def _get(client: Any, path: str) -> dict[str, Any] | None:
    status, data = request(client, "GET", path)
    if status == 404:
        return None
    if status >= 400 or not isinstance(data, dict):
        reason = data.get("message") if isinstance(data, dict) else ""
        raise ClusterError(f"GET {path}: the Kubernetes API answered {status} {reason}".rstrip())
    return data


def fetch_live(
    client: Any, wanted: Iterable[tuple[Iterable[str], str, str, str]]
) -> list[dict[str, Any]]:
    """The live objects for (apiVersions to try, kind, namespace, name); missing ones are left out.

    The first apiVersion that answers wins: one stored object is served through every version of its
    kind, so the manifest's own apiVersion is tried first, then the one the current revision used.
    """
    found: list[dict[str, Any]] = []
    for api_versions, kind, namespace, name in wanted:
        for api_version in dict.fromkeys(v for v in api_versions if v):
            obj = _get(client, object_path(api_version, kind, namespace, name))
            if obj is not None:
                obj.setdefault("apiVersion", api_version)
                obj.setdefault("kind", kind)
                found.append(obj)
                break
    return found


def fetch_storage_classes(client: Any) -> dict[str, bool]:
    """StorageClass name -> allowVolumeExpansion."""
    data = _get(client, "/apis/storage.k8s.io/v1/storageclasses") or {}
    return storage_classes(data.get("items") or [])


def storage_classes(objects: Iterable[Mapping[str, Any]]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for obj in objects:
        if obj.get("kind", "StorageClass") == "StorageClass" and isinstance(obj.get("metadata"), Mapping):
            out[str(obj["metadata"].get("name"))] = obj.get("allowVolumeExpansion") is True
    return out
