"""One entry point over both codecs: decode a stored payload, encode a release, derive a new revision."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from kubehop.errors import HelmRecordError
from kubehop.helm import codec_v2, codec_v3
from kubehop.helm.payload import DEFAULT_MAX_INFLATED
from kubehop.helm.release import HELM2_STATUS_CODES, HELM3_STATUSES, Release, helm2_status_label


def decode_body(payload: str, helm_major: int, *, key: str = "", limit: int = DEFAULT_MAX_INFLATED) -> Release:
    if helm_major == 3:
        return codec_v3.decode(payload, key=key, limit=limit)
    if helm_major == 2:
        return codec_v2.decode(payload, key=key, limit=limit)
    raise HelmRecordError(f"unknown Helm record format version {helm_major}", key=key)


def encode_body(release: Release) -> str:
    return codec_v2.encode(release) if release.helm_major == 2 else codec_v3.encode(release)


def _go_time(moment: datetime.datetime) -> str:
    """RFC 3339 with trimmed nanoseconds, the way Go's time.Time marshals."""
    text = moment.isoformat()
    if moment.microsecond:
        head, _, tail = text.partition(".")
        digits, sign, offset = tail[:6].rstrip("0"), tail[6:7], tail[7:]
        text = f"{head}.{digits}{sign}{offset}"
    return text.replace("+00:00", "Z")


def evolve(
    release: Release,
    *,
    version: int | None = None,
    status: str | None = None,
    manifest: str | None = None,
    description: str | None = None,
    last_deployed: datetime.datetime | None = None,
    name: str | None = None,
    namespace: str | None = None,
) -> Release:
    """A copy of `release` with some fields changed and everything else (unknown fields too) kept."""
    changes: dict[str, Any] = {
        k: v for k, v in (("version", version), ("manifest", manifest), ("description", description),
                          ("name", name), ("namespace", namespace))
        if v is not None
    }
    if status is not None:
        valid = HELM2_STATUS_CODES if release.helm_major == 2 else HELM3_STATUSES
        spelled = helm2_status_label(status) if release.helm_major == 2 else status
        if spelled not in valid:
            raise HelmRecordError(f"not a Helm {release.helm_major} status: {status!r}", key=release.key)
        changes["status"] = status
    if release.helm_major == 2:
        if last_deployed is not None:
            changes["last_deployed"] = last_deployed
        if not isinstance(release.body, bytes):
            raise HelmRecordError("a Helm 2 release needs a protobuf body", key=release.key)
        return codec_v2.release_from_proto(codec_v2.evolve_proto(release.body, changes), key=release.key)
    if last_deployed is not None:
        changes["last_deployed"] = _go_time(last_deployed)
    if not isinstance(release.body, Mapping):
        raise HelmRecordError("a Helm 3 release needs a JSON body", key=release.key)
    return codec_v3.release_from_json(codec_v3.evolve_json(release.body, changes), key=release.key)
