"""Read-only inventory of the Kubernetes objects in a snapshot: by resource, namespace and stored apiVersion.

Only names, versions, encodings and sizes are reported; object contents (Secret data) never leave
this module. With a target version, objects stored at an apiVersion the target no longer serves
are flagged: they need a storage migration (a no-op rewrite) before the hop (reference §4.4).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kubehop.etcd import pb
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.k8s import (
    CBOR_MAGIC,
    DEFAULT_PREFIX,
    ENCRYPTED_MAGIC,
    KNOWN_KINDS,
    PROTOBUF_MAGIC,
    decode_value,
    parse_registry_key,
)
from kubehop.etcd.mvcc import decode_key_value, latest_state
from kubehop.model import KubeVersion

_JSON_API_VERSION = re.compile(rb'"apiVersion"\s*:\s*"([^"]*)"')
_JSON_KIND = re.compile(rb'"kind"\s*:\s*"([^"]*)"')


@dataclass(frozen=True)
class StoredObject:
    key: str
    resource: str
    namespace: str
    name: str
    api_version: str
    kind: str
    encoding: str
    size: int
    mod_revision: int
    status: str = ""  # removed / deprecated at the target, else empty


@dataclass(frozen=True)
class ResourceGroup:
    resource: str
    namespace: str
    api_version: str
    kind: str
    encoding: str
    count: int
    size: int
    status: str = ""


@dataclass(frozen=True)
class InspectReport:
    path: str
    revision: int
    live_keys: int
    other_keys: int
    groups: tuple[ResourceGroup, ...]
    objects: tuple[StoredObject, ...]  # every object with list_all, else only flagged ones
    target: str = ""

    @property
    def flagged(self) -> tuple[StoredObject, ...]:
        return tuple(o for o in self.objects if o.status)


def peek_type(value: bytes) -> tuple[str, str, str]:
    """(encoding, apiVersion, kind) read from the start of a stored value, without decoding the object."""
    if value.startswith(PROTOBUF_MAGIC):
        # runtime.Unknown writes typeMeta (field 1) first
        pos = len(PROTOBUF_MAGIC)
        if len(value) > pos and value[pos] == 0x0A:
            size, start = pb.read_varint(value, pos + 1)
            api_version = kind = ""
            for number, _wire, item in pb.fields(value[start : start + size]):
                if number == 1:
                    api_version = pb.as_text(item)
                elif number == 2:
                    kind = pb.as_text(item)
            return "protobuf", api_version, kind
        decoded = decode_value(value)
        return decoded.encoding, decoded.api_version, decoded.kind
    if value.startswith(ENCRYPTED_MAGIC):
        return "encrypted:" + decode_value(value).provider, "", ""
    if value.startswith(CBOR_MAGIC):
        return "cbor", "", ""
    head = value[:512]
    if head.lstrip()[:1] == b"{":
        found_version, found_kind = _JSON_API_VERSION.search(head), _JSON_KIND.search(head)
        if found_version and found_kind:
            return ("json", found_version.group(1).decode("utf-8", "replace"),
                    found_kind.group(1).decode("utf-8", "replace"))
        decoded = decode_value(value)
        return decoded.encoding, decoded.api_version, decoded.kind
    return "unknown", "", ""


def _status(api_version: str, kind: str, target: KubeVersion | None) -> str:
    if target is None or not api_version:
        return ""
    from kubehop.lifecycle import ApiStatus, Lifecycle

    status = Lifecycle.default().status(api_version, kind, target)
    return status.value if status in (ApiStatus.REMOVED, ApiStatus.DEPRECATED) else ""


def stored_objects(bolt: BoltFile, prefix: str = DEFAULT_PREFIX) -> Iterator[StoredObject | None]:
    """Every live key in key order: a StoredObject under `prefix`, None for other keys."""
    live = latest_state(bolt)
    mm = bolt.mm
    for key in sorted(live):
        packed = live[key]
        offset, length = packed >> 32, packed & 0xFFFFFFFF
        kv = decode_key_value(mm[offset : offset + length])
        text = key.decode("utf-8", "replace")
        where = parse_registry_key(text, prefix)
        if where is None:
            yield None
            continue
        encoding, api_version, kind = peek_type(kv.value)
        yield StoredObject(
            text, where.resource, where.namespace, where.name, api_version,
            kind or KNOWN_KINDS.get(where.resource, ""), encoding, len(kv.value), kv.mod_revision,
        )


def inspect_snapshot(
    bolt: BoltFile, target: KubeVersion | None = None, list_all: bool = False, prefix: str = DEFAULT_PREFIX
) -> InspectReport:
    groups: dict[tuple[str, str, str, str, str], list[int]] = {}
    objects: list[StoredObject] = []
    other = live = revision = 0
    status_cache: dict[tuple[str, str], str] = {}
    for obj in stored_objects(bolt, prefix):
        live += 1
        if obj is None:
            other += 1
            continue
        revision = max(revision, obj.mod_revision)
        gkey = (obj.resource, obj.namespace, obj.api_version, obj.kind, obj.encoding)
        bucket = groups.setdefault(gkey, [0, 0])
        bucket[0] += 1
        bucket[1] += obj.size
        type_key = (obj.api_version, obj.kind)
        if type_key not in status_cache:
            status_cache[type_key] = _status(obj.api_version, obj.kind, target)
        status = status_cache[type_key]
        if status or list_all:
            objects.append(
                StoredObject(obj.key, obj.resource, obj.namespace, obj.name, obj.api_version, obj.kind,
                             obj.encoding, obj.size, obj.mod_revision, status)
            )
    rows = tuple(
        ResourceGroup(r, ns, av, kind, enc, c, s, status_cache.get((av, kind), ""))
        for (r, ns, av, kind, enc), (c, s) in sorted(groups.items())
    )
    return InspectReport(str(bolt.path), revision, live, other, rows, tuple(objects),
                         str(target) if target else "")
