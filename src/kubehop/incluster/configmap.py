"""Keep the latest scan report in one ConfigMap: what the in-cluster CronJob writes and `fleet collect` reads.

The ConfigMap `<namespace>/<name>` holds the `kubehop scan -o json` envelope under `report.json`, or,
when that is larger than COMPRESS_ABOVE, its gzip as base64 under `report.json.gz.b64` (a ConfigMap's
data is limited to 1 MiB); `metrics.prom` holds the Prometheus summary. The annotation
`kubehop.dev/generated-at` says when the scan ran (RFC 3339, UTC). Building the object is pure; the
write (get, then update with its resourceVersion or create) is the I/O edge, and writes the whole
object at once, so a reader sees either the previous report or the new one.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubehop.errors import ClusterError, UsageError

REPORT_KEY = "report.json"
COMPRESSED_KEY = "report.json.gz.b64"
METRICS_KEY = "metrics.prom"
GENERATED_AT = "kubehop.dev/generated-at"
COMPRESS_ABOVE = 900 * 1024
CONFIGMAP_LIMIT = 1024 * 1024  # the API server's limit on a ConfigMap's data
REQUEST_TIMEOUT = 60.0
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")


@dataclass(frozen=True)
class ReportTarget:
    """Where the report goes: `NAMESPACE/NAME`, or `NAME` in the context's (or pod's) namespace."""

    namespace: str
    name: str

    @classmethod
    def parse(cls, text: str, default_namespace: str | None) -> ReportTarget:
        namespace, _, name = text.rpartition("/")
        namespace = namespace or default_namespace or ""
        for part, what in ((namespace, "namespace"), (name, "name")):
            if not part or not set(part) <= _NAME_CHARS or len(part) > 253:
                raise UsageError(f"--report-configmap {text!r}: not NAMESPACE/NAME (a lower-case DNS {what} "
                                 "is needed" + (", and no namespace is set" if not namespace else "") + ")")
        return cls(namespace, name)

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}"


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def report_data(report_json: str, metrics: str = "") -> dict[str, str]:
    """The ConfigMap's data: the report as is, or compressed when large; too large even then is an error."""
    raw = report_json.encode("utf-8")
    data = {REPORT_KEY: report_json}
    if len(raw) > COMPRESS_ABOVE:
        packed = base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")
        data = {COMPRESSED_KEY: packed}
    if metrics:
        data[METRICS_KEY] = metrics
    size = sum(len(k) + len(v.encode("utf-8")) for k, v in data.items())
    if size > CONFIGMAP_LIMIT:
        raise UsageError(f"the report is {len(raw)} bytes ({size} in the ConfigMap even compressed), over the "
                         f"{CONFIGMAP_LIMIT}-byte ConfigMap limit: narrow the scan (-n, --only, --skip)")
    return data


def report_configmap(target: ReportTarget, report_json: str, generated_at: dt.datetime,
                     metrics: str = "") -> dict[str, Any]:
    """The whole ConfigMap object to store."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": target.name,
            "namespace": target.namespace,
            "labels": {"app.kubernetes.io/managed-by": "kubehop", "app.kubernetes.io/component": "report"},
            "annotations": {GENERATED_AT: rfc3339(generated_at)},
        },
        "data": report_data(report_json, metrics),
    }


def decode_report(configmap: Mapping[str, Any], where: str) -> tuple[dict[str, Any], str]:
    """(the report envelope, its generated-at annotation) from a stored report ConfigMap."""
    data = configmap.get("data") or {}
    annotations = (configmap.get("metadata") or {}).get("annotations") or {}
    try:
        if REPORT_KEY in data:
            text = str(data[REPORT_KEY])
        elif COMPRESSED_KEY in data:
            text = gzip.decompress(base64.b64decode(str(data[COMPRESSED_KEY]), validate=True)).decode("utf-8")
        else:
            raise ClusterError(f"{where}: holds neither {REPORT_KEY} nor {COMPRESSED_KEY}")
        report = json.loads(text)
    except (ValueError, OSError, EOFError) as exc:
        raise ClusterError(f"{where}: the stored report cannot be decoded: {exc}") from exc
    if not isinstance(report, dict):
        raise ClusterError(f"{where}: the stored report is not a JSON object")
    return report, str(annotations.get(GENERATED_AT) or "")


def write_report_configmap(client: Any, body: Mapping[str, Any]) -> str:
    """Create or replace the ConfigMap (get, then update with its resourceVersion); 'created' or 'updated'.

    A concurrent writer between the get and the update makes the API answer 409: read again once."""
    from kubernetes import client as k8s
    from kubernetes.client.exceptions import ApiException
    from urllib3.exceptions import HTTPError

    api: Any = k8s.CoreV1Api(client)
    meta = body["metadata"]
    where = f"ConfigMap {meta['namespace']}/{meta['name']}"
    options = {"_preload_content": False, "_request_timeout": REQUEST_TIMEOUT}
    for attempt in (1, 2):
        try:
            try:
                current = json.loads(api.read_namespaced_config_map(meta["name"], meta["namespace"], **options).data)
            except ApiException as exc:
                if exc.status != 404:
                    raise
                api.create_namespaced_config_map(meta["namespace"], dict(body), **options)
                return "created"
            version = (current.get("metadata") or {}).get("resourceVersion")
            update = {**body, "metadata": {**meta, "resourceVersion": version}}
            api.replace_namespaced_config_map(meta["name"], meta["namespace"], update, **options)
            return "updated"
        except ApiException as exc:
            if exc.status in (409,) and attempt == 1:
                continue
            raise ClusterError(f"cannot write the report to {where}: the API answered {exc.status} "
                               f"{exc.reason}{_hint(exc.status)}") from exc
        except (HTTPError, OSError) as exc:
            raise ClusterError(f"cannot write the report to {where}: {exc}") from exc
    raise ClusterError(f"cannot write the report to {where}: it kept changing while being written")


def _hint(status: int | None) -> str:
    return " (grant get, update and create on this ConfigMap)" if status in (401, 403) else ""
