"""`fleet collect`: the latest report the in-cluster CronJob keeps in a ConfigMap, read with one `get`.

The ConfigMap (default `kubehop-report` in namespace `kubehop`) holds the JSON result of
`kubehop scan --cluster --releases -o json` under `report.json`, or under `report.json.gz.b64`
(base64 of gzip) when large, and the time it was written in the annotation `kubehop.dev/generated-at`
(RFC 3339). A report older than the allowed age is flagged stale.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import gzip
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubehop.errors import ClusterRequestError, ResourceForbiddenError
from kubehop.fleet.model import ClusterReport, FleetMember, ReportAge
from kubehop.fleet.records import RecordError, read_envelope
from kubehop.fleet.runner import open_reader

REPORT_NAME = "kubehop-report"
REPORT_NAMESPACE = "kubehop"
PLAIN_KEY = "report.json"
PACKED_KEY = "report.json.gz.b64"
GENERATED_AT = "kubehop.dev/generated-at"
MAX_INFLATED = 256 * 1024 * 1024


@dataclass(frozen=True)
class CollectOptions:
    kubeconfig: str | None = None
    namespace: str = REPORT_NAMESPACE
    name: str = REPORT_NAME
    max_age: datetime.timedelta = datetime.timedelta(hours=26)
    now: datetime.datetime | None = None  # None: the time of the read


def collect_member(member: FleetMember, options: CollectOptions, deadline: float) -> ClusterReport:
    reader = open_reader(options.kubeconfig, member.context, deadline)
    where = f"configmap {options.namespace}/{options.name}"
    try:
        configmap = reader.get(f"/api/v1/namespaces/{options.namespace}/configmaps/{options.name}",
                               what=f"get {where}")
    except ResourceForbiddenError as exc:
        return _failed(member, f"{exc} (grant get on this one ConfigMap)")
    except ClusterRequestError as exc:
        if exc.status == 404:
            return _failed(member, f"context {member.context}: no report: {where} not found "
                                   "(is the kubehop chart installed, and has its CronJob run?)")
        raise
    return report_from_configmap(member, configmap, options)


def report_from_configmap(member: FleetMember, configmap: Mapping[str, Any], options: CollectOptions) -> ClusterReport:
    where = f"context {member.context}: configmap {options.namespace}/{options.name}"
    metadata = configmap.get("metadata") or {}
    annotations = metadata.get("annotations") or {} if isinstance(metadata, Mapping) else {}
    age = _age(str(annotations.get(GENERATED_AT) or ""), options)
    try:
        key, text = _payload(configmap.get("data") or {})
        try:
            envelope = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{key} is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from exc
        target, findings, summary, notes = read_envelope(envelope)
    except (RecordError, ValueError) as exc:
        return _failed(member, f"{where}: {exc}", age)
    if not age.generated_at:
        notes = [*notes, f"{where} has no {GENERATED_AT} annotation: the report's age is unknown"]
    return ClusterReport(member.context, member.labels, server_version=str(envelope.get("serverVersion") or ""),
                         target=target, findings=tuple(findings), notes=tuple(notes),
                         documents=_count(summary, "documents"), sources=_count(summary, "sources"), age=age)


def _payload(data: Any) -> tuple[str, str]:
    """(the key read, the JSON text)."""
    if not isinstance(data, Mapping):
        raise ValueError("data is not a mapping")
    if PLAIN_KEY in data:
        return PLAIN_KEY, str(data[PLAIN_KEY])
    if PACKED_KEY in data:
        try:
            packed = base64.b64decode(str(data[PACKED_KEY]), validate=True)
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            raw = inflater.decompress(packed, MAX_INFLATED)
        except (binascii.Error, zlib.error, gzip.BadGzipFile) as exc:
            raise ValueError(f"{PACKED_KEY} is not base64 of gzip: {exc}") from exc
        if inflater.unconsumed_tail:
            raise ValueError(f"{PACKED_KEY} inflates to more than {MAX_INFLATED} bytes")
        return PACKED_KEY, raw.decode("utf-8")
    raise ValueError(f"neither {PLAIN_KEY} nor {PACKED_KEY} in its data")


def _age(text: str, options: CollectOptions) -> ReportAge:
    if not text:
        return ReportAge("", None, True)
    try:
        written = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return ReportAge(text, None, True)
    if written.tzinfo is None:
        written = written.replace(tzinfo=datetime.UTC)
    now = options.now or datetime.datetime.now(datetime.UTC)
    seconds = (now - written).total_seconds()
    return ReportAge(text, seconds, seconds > options.max_age.total_seconds())


def _count(summary: Mapping[str, Any], key: str) -> int:
    value = summary.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _failed(member: FleetMember, error: str, age: ReportAge | None = None) -> ClusterReport:
    return ClusterReport(member.context, member.labels, target=member.target or "", errors=(error,), age=age)


def parse_max_age(text: str) -> datetime.timedelta:
    """`26h`, `90m`, `2d`, `3600s` or seconds."""
    from kubehop.errors import UsageError

    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    value = text.strip().lower()
    scale = units.get(value[-1:])
    number = value[:-1] if scale else value
    try:
        amount = float(number)
    except ValueError:
        raise UsageError(f"--max-age {text!r}: expected a duration such as 26h, 90m or 2d") from None
    if amount <= 0:
        raise UsageError(f"--max-age {text!r}: must be positive")
    return datetime.timedelta(seconds=amount * (scale or 1))
