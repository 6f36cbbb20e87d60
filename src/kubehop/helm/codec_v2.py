"""Helm 2 (Tiller) codec: payload = base64(gzip(protobuf hapi.release.Release)).

Field numbers follow hapi/release/*.proto and hapi/chart/*.proto of Helm v2.17.0. Only the fields
kubehop reads or rewrites are interpreted; the message is otherwise kept as parsed, byte for byte.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from kubehop.errors import HelmRecordError
from kubehop.helm import wire
from kubehop.helm.payload import DEFAULT_MAX_INFLATED, unwrap, wrap
from kubehop.helm.release import HELM2_STATUS_CODES, Hook, Release, helm2_status_display, helm2_status_label

# hapi.release.Release
REL_NAME, REL_INFO, REL_CHART, REL_CONFIG, REL_MANIFEST, REL_HOOKS, REL_VERSION, REL_NAMESPACE = range(1, 9)
# hapi.release.Info
INFO_STATUS, INFO_FIRST_DEPLOYED, INFO_LAST_DEPLOYED, INFO_DELETED, INFO_DESCRIPTION = range(1, 6)
STATUS_CODE = 1  # hapi.release.Status.code
CHART_METADATA = 1  # hapi.chart.Chart.metadata
META_NAME, META_VERSION, META_APP_VERSION = 1, 4, 13  # hapi.chart.Metadata
HOOK_NAME, HOOK_KIND, HOOK_PATH, HOOK_MANIFEST, HOOK_EVENTS = range(1, 6)  # hapi.release.Hook
HOOK_EVENT_NAMES = (
    "UNKNOWN", "PRE_INSTALL", "POST_INSTALL", "PRE_DELETE", "POST_DELETE", "PRE_UPGRADE", "POST_UPGRADE",
    "PRE_ROLLBACK", "POST_ROLLBACK", "RELEASE_TEST_SUCCESS", "RELEASE_TEST_FAILURE", "CRD_INSTALL",
)


def _timestamp(fields: Sequence[wire.Field], number: int) -> str:
    """google.protobuf.Timestamp as RFC 3339 UTC; "" when absent (as Helm 3 writes zero times)."""
    ts = wire.message(fields, number)
    if not ts:
        return ""
    seconds, nanos = wire.integer(ts, 1, 64), wire.integer(ts, 2)
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    fraction = f".{nanos:09d}".rstrip("0") if nanos else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction.rstrip(".") + "Z"


def _encode_timestamp(moment: datetime.datetime) -> bytes:
    seconds = int(moment.timestamp())
    parts = [wire.make_varint(1, seconds)] if seconds else []
    if moment.microsecond:
        parts.append(wire.make_varint(2, moment.microsecond * 1000))
    return wire.serialize(parts)


def _enum_name(names: Sequence[str], value: int) -> str:
    return names[value] if 0 <= value < len(names) else str(value)


def release_from_proto(data: bytes, *, key: str = "") -> Release:
    if data[:1] in (b"{", b"["):
        raise HelmRecordError("unknown release format: payload is JSON (a Helm 3 record?), not protobuf", key=key)
    try:
        fields = wire.parse(data)
        info = wire.message(fields, REL_INFO)
        status = wire.message(info, INFO_STATUS)
        code = wire.integer(status, STATUS_CODE)
        metadata = wire.message(wire.message(fields, REL_CHART), CHART_METADATA)
        hooks = tuple(
            Hook(
                name=wire.text(h, HOOK_NAME), kind=wire.text(h, HOOK_KIND), path=wire.text(h, HOOK_PATH),
                manifest=wire.text(h, HOOK_MANIFEST),
                events=tuple(_enum_name(HOOK_EVENT_NAMES, e) for e in wire.repeated_varints(h, HOOK_EVENTS)),
            )
            for h in wire.repeated_messages(fields, REL_HOOKS)
        )
        name = wire.text(fields, REL_NAME)
        version = wire.integer(fields, REL_VERSION)
        release = Release(
            name=name,
            namespace=wire.text(fields, REL_NAMESPACE),
            version=version,
            status=helm2_status_display(_enum_name(HELM2_STATUS_CODES, code)),
            helm_major=2,
            chart_name=wire.text(metadata, META_NAME),
            chart_version=wire.text(metadata, META_VERSION),
            app_version=wire.text(metadata, META_APP_VERSION),
            description=wire.text(info, INFO_DESCRIPTION),
            manifest=wire.text(fields, REL_MANIFEST),
            hooks=hooks,
            first_deployed=_timestamp(info, INFO_FIRST_DEPLOYED),
            last_deployed=_timestamp(info, INFO_LAST_DEPLOYED),
            body=data,
        )
    except wire.WireError as exc:
        raise HelmRecordError(f"payload is not a protobuf hapi.release.Release ({exc})", key=key) from exc
    if not name or version <= 0:
        raise HelmRecordError("unknown release format: protobuf has no release name or revision", key=key)
    return release


def decode(payload: str, *, key: str = "", limit: int = DEFAULT_MAX_INFLATED) -> Release:
    return release_from_proto(unwrap(payload, key=key, limit=limit), key=key)


def encode(release: Release) -> str:
    if not isinstance(release.body, bytes):
        raise HelmRecordError("a Helm 2 release needs a protobuf body", key=release.key)
    return wrap(release.body)


def _set_text(fields: list[wire.Field], number: int, value: str) -> list[wire.Field]:
    return wire.replace(fields, wire.make_bytes(number, value.encode("utf-8")) if value else None, number)


def evolve_proto(data: bytes, changes: Mapping[str, Any]) -> bytes:
    """Rewrite the named fields of a serialised hapi.release.Release; every other field is kept as is.

    Supported changes: version (int), status (Helm 2 or Helm 3 spelling), name, namespace, manifest,
    description (str), last_deployed, first_deployed, deleted (datetime).
    """
    fields = wire.parse(data)
    info = wire.message(fields, REL_INFO)
    for name, value in changes.items():
        if name == "version":
            fields = wire.replace(fields, wire.make_varint(REL_VERSION, value) if value else None, REL_VERSION)
        elif name in ("manifest", "name", "namespace"):
            number = {"manifest": REL_MANIFEST, "name": REL_NAME, "namespace": REL_NAMESPACE}[name]
            fields = _set_text(fields, number, value)
        elif name == "description":
            info = _set_text(info, INFO_DESCRIPTION, value)
        elif name == "status":
            code = HELM2_STATUS_CODES.index(helm2_status_label(value))
            status = wire.message(info, INFO_STATUS)
            status = wire.replace(status, wire.make_varint(STATUS_CODE, code) if code else None, STATUS_CODE)
            info = wire.replace(info, wire.make_bytes(INFO_STATUS, wire.serialize(status)), INFO_STATUS)
        elif name in ("last_deployed", "first_deployed", "deleted"):
            number = {"first_deployed": INFO_FIRST_DEPLOYED, "last_deployed": INFO_LAST_DEPLOYED,
                      "deleted": INFO_DELETED}[name]
            info = wire.replace(info, wire.make_bytes(number, _encode_timestamp(value)), number)
        else:
            raise HelmRecordError(f"cannot change field {name!r} of a Helm 2 release")
    return wire.serialize(wire.replace(fields, wire.make_bytes(REL_INFO, wire.serialize(info)), REL_INFO))
