"""Discovery and paged, metadata-only listing of live objects through the official client (the I/O edge).

Lists ask for `PartialObjectMetadataList` (what `kubectl get --show-kind -o name` and controllers'
metadata informers use): every piece of evidence is in `metadata`, and Secrets' data never crosses
the wire. A server that ignores that request sends whole objects; Secret payloads are then dropped
as each page is parsed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from kubehop.cluster.discovery import GroupVersions, ServedResource, parse_groups, parse_resources
from kubehop.cluster.evidence import iter_items
from kubehop.errors import ClusterError, ClusterRequestError, ResourceForbiddenError

METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
REQUEST_TIMEOUT = 60.0


class ClusterReader:
    """GETs against one cluster; errors name the context and the request."""

    def __init__(self, client: Any, context: str, chunk_size: int = 500, deadline: float | None = None) -> None:
        self.client = client
        self.context = context
        self.chunk_size = chunk_size
        self.deadline = deadline  # time.monotonic() after which no request is sent (a fleet's per-cluster timeout)

    def _timeout(self, what: str) -> float:
        if self.deadline is None:
            return REQUEST_TIMEOUT
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise ClusterError(f"context {self.context}: timed out before {what}")
        return min(REQUEST_TIMEOUT, left)

    def get_text(self, path: str, accept: str = "text/plain", what: str = "") -> str:
        """A non-resource URL such as /metrics, as text."""
        body = self._request(path, [], accept, what or f"GET {path}")
        return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)

    def get(self, path: str, query: list[tuple[str, str]] | None = None, accept: str = "application/json",
            what: str = "") -> dict[str, Any]:
        what = what or f"GET {path}"
        data = json.loads(self._request(path, query or [], accept, what))
        if not isinstance(data, dict):
            raise ClusterError(f"context {self.context}: {what}: the answer is not a JSON object")
        return data

    def _request(self, path: str, query: list[tuple[str, str]], accept: str, what: str) -> Any:
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        timeout = self._timeout(what)
        try:
            method, url, headers, _, _ = self.client.param_serialize(
                "GET", path, query_params=query, header_params={"Accept": accept}, auth_settings=["BearerToken"])
            response = self.client.call_api(method, url, header_params=headers, _request_timeout=timeout)
            response.read()
        except ApiException as exc:
            status, reason, body = exc.status or 0, exc.reason or "", exc.body or ""
        except (HTTPError, OSError) as exc:
            raise ClusterError(f"context {self.context}: cannot reach the API server ({what}): {_reason(exc)}") from exc
        else:
            status, reason, body = response.status, response.reason or "", response.data
        if 200 <= status < 300:
            return body
        message = _status_message(body) or reason
        if status in (401, 403):
            raise ResourceForbiddenError(f"context {self.context}: {what}: {status} {reason}: {message}",
                                         status=status)
        raise ClusterRequestError(
            f"context {self.context}: {what}: the API server answered {status} {reason}: {message}", status=status)

    def discover_groups(self) -> list[GroupVersions]:
        return parse_groups(self.get("/api", what="discovery"), self.get("/apis", what="discovery"))

    def discover_resources(self, group: str, version: str) -> list[ServedResource]:
        path = f"/apis/{group}/{version}" if group else f"/api/{version}"
        return parse_resources(self.get(path, what=f"discovery of {path}"), group, version)

    def list_objects(self, resource: ServedResource, namespace: str | None) -> Iterator[dict[str, Any]]:
        """Every object's metadata, page by page (limit/continue); an expired continue restarts once."""
        what = f"list {resource.label}" + (f" in namespace {namespace}" if namespace and resource.namespaced else "")
        path = resource.collection_path(namespace)
        token, restarted = "", False
        while True:
            query = [("limit", str(self.chunk_size))] + ([("continue", token)] if token else [])
            try:
                page = self.get(path, query, accept=METADATA_ONLY, what=what)
            except ClusterRequestError as exc:
                if exc.status == 410 and token and not restarted:  # continue token expired: start over
                    token, restarted = "", True
                    continue
                raise
            yield from iter_items(page)
            token = str((page.get("metadata") or {}).get("continue") or "")
            if not token:
                return


def _reason(exc: Exception) -> str:
    """urllib3's innermost reason without its connection-pool preamble: `Failed to establish a new
    connection: [Errno 111] Connection refused`, `Read timed out. (read timeout=5.0)`."""
    reason: BaseException = exc
    while isinstance(getattr(reason, "reason", None), BaseException):  # MaxRetryError wraps the real one
        reason = getattr(reason, "reason")  # noqa: B009
    text = " ".join(str(reason).split())
    if text.startswith("HTTP") and "): " in text:  # "HTTPConnection(host='h', port=1): Failed to ..."
        text = text.split("): ", 1)[1]
    return text or type(reason).__name__


def _status_message(body: Any) -> str:
    try:
        data = json.loads(body)
    except (TypeError, ValueError):
        return ""
    return str(data.get("message") or "") if isinstance(data, dict) else ""
