"""Pure conversion between stored Kubernetes objects (Secret/ConfigMap) and StoredRecords, both ways."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from kubehop.errors import HelmRecordError
from kubehop.helm.codec import encode_body
from kubehop.helm.payload import b64decode_go
from kubehop.helm.release import (
    HELM3_SECRET_TYPE,
    BadRecord,
    Release,
    StoredRecord,
    helm2_status_label,
)

HELM3_SYSTEM_LABELS = frozenset({"name", "owner", "status", "version", "createdAt", "modifiedAt"})
HELM2_SYSTEM_LABELS = frozenset({"NAME", "OWNER", "STATUS", "VERSION", "CREATED_AT", "MODIFIED_AT"})


def helm_major_of(labels: Mapping[str, str]) -> int | None:
    """Helm 3 records carry owner=helm, Tiller's carry OWNER=TILLER; anything else is not a release."""
    if labels.get("owner") == "helm":
        return 3
    if labels.get("OWNER") == "TILLER":
        return 2
    return None


def _mapping(obj: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = obj.get(name)
    return value if isinstance(value, Mapping) else {}


def read_object(obj: Mapping[str, Any], storage: str) -> StoredRecord | BadRecord:
    """Like record_from_object, but a record that cannot be read comes back as a BadRecord."""
    try:
        return record_from_object(obj, storage)
    except HelmRecordError as exc:
        metadata = _mapping(obj, "metadata")
        return BadRecord(storage=storage, key=str(metadata.get("name") or ""),
                         namespace=str(metadata.get("namespace") or ""), error=str(exc), raw=obj)


def record_from_object(obj: Mapping[str, Any], storage: str) -> StoredRecord:
    """Read a Secret or ConfigMap (as the API or `kubectl get -o yaml` returns it)."""
    kind = obj.get("kind") or ""
    metadata = _mapping(obj, "metadata")
    key = str(metadata.get("name") or "")
    namespace = str(metadata.get("namespace") or "")
    where = f"{namespace}/{key}" if namespace else key
    raw_labels = metadata.get("labels") or {}
    labels = {str(k): str(v) for k, v in raw_labels.items()} if isinstance(raw_labels, Mapping) else {}
    helm_major = helm_major_of(labels)
    if helm_major is None:
        raise HelmRecordError("unknown record format: no owner=helm or OWNER=TILLER label", key=where)
    secret_type = str(obj.get("type") or "")
    if helm_major == 3 and secret_type.startswith("helm.sh/release.") and secret_type != HELM3_SECRET_TYPE:
        raise HelmRecordError(f"unknown release format version {secret_type!r}", key=where)
    value = _mapping(obj, "data").get("release")
    if not isinstance(value, str) or not value:
        raise HelmRecordError("record has no data.release", key=where)
    if kind == "Secret":
        # Secret data is []byte in Go: the API server (and helm reading a dump) decode it with Go's base64.
        try:
            payload = b64decode_go(value).decode("ascii")
        except (binascii.Error, ValueError) as exc:
            raise HelmRecordError(f"Secret data.release is not base64 ({exc})", key=where) from exc
    elif kind == "ConfigMap":
        payload = value
    else:
        raise HelmRecordError(f"unknown record kind {kind!r} (expected Secret or ConfigMap)", key=where)
    return StoredRecord(
        storage=storage, key=key, namespace=namespace, helm_major=helm_major, labels=labels,
        payload=payload, raw=obj, resource_version=metadata.get("resourceVersion"), kind=kind,
    )


def custom_labels(labels: Mapping[str, str], helm_major: int) -> dict[str, str]:
    system = HELM2_SYSTEM_LABELS if helm_major == 2 else HELM3_SYSTEM_LABELS
    return {k: v for k, v in labels.items() if k not in system}


def release_labels(release: Release, *, now: int, created: bool, extra: Mapping[str, str] = {}) -> dict[str, str]:
    """Labels as Helm writes them: custom labels first, then the system labels (createdAt or modifiedAt)."""
    labels = custom_labels(extra, release.helm_major)
    if release.helm_major == 2:
        labels.update(NAME=release.name, OWNER="TILLER", STATUS=helm2_status_label(release.status),
                      VERSION=str(release.version))
        labels["CREATED_AT" if created else "MODIFIED_AT"] = str(now)
    else:
        labels.update(name=release.name, owner="helm", status=release.status, version=str(release.version))
        labels["createdAt" if created else "modifiedAt"] = str(now)
    return labels


def update_labels(release: Release, stored: Mapping[str, str], *, now: int) -> dict[str, str]:
    """Labels of a record being rewritten in place: as Helm writes them, except that the record keeps
    the name and version labels it has (where a record is stored is the truth, even when its body
    disagrees: Helm finds revisions by these labels)."""
    labels = release_labels(release, now=now, created=False, extra=stored)
    for label in ("NAME", "VERSION") if release.helm_major == 2 else ("name", "version"):
        if stored.get(label):
            labels[label] = stored[label]
    return labels


def object_for(
    release: Release,
    *,
    kind: str,
    namespace: str,
    labels: Mapping[str, str],
    resource_version: str | None = None,
    secret_type: str | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    """The Secret or ConfigMap that stores `release`, as Helm's secrets/cfgmaps drivers build it.

    `secret_type` keeps the type of a Secret being replaced (the API server refuses to change it);
    `key` keeps the name of a record being replaced (default: the key Helm derives from the release).
    """
    payload = encode_body(release)
    metadata: dict[str, Any] = {"name": key or release.key, "namespace": namespace, "labels": dict(labels)}
    if resource_version is not None:
        metadata["resourceVersion"] = resource_version
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "metadata": metadata}
    if kind == "Secret":
        obj["type"] = secret_type or (HELM3_SECRET_TYPE if release.helm_major == 3 else "Opaque")
        obj["data"] = {"release": base64.b64encode(payload.encode("ascii")).decode("ascii")}
    else:
        obj["data"] = {"release": payload}
    return obj
