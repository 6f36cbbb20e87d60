"""Read-only inventory of the Kubernetes objects in a snapshot: by resource, namespace and stored apiVersion.

Only names, versions, encodings and sizes are reported; object contents (Secret data) never leave
this module. With a target version, objects stored at an apiVersion the target no longer serves
are flagged: they need a storage migration (a no-op rewrite) before the hop (reference §4.4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from kubehop.errors import SnapshotError
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
from kubehop.etcd.mvcc import live_records, record_revision
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


@lru_cache(maxsize=4096)
def _type_meta(raw: bytes) -> tuple[str, str]:
    api_version = kind = ""
    try:
        for number, _wire, item in pb.fields(raw):
            if number == 1:
                api_version = pb.as_text(item)
            elif number == 2:
                kind = pb.as_text(item)
    except SnapshotError:  # a damaged value is reported as unknown, not fatal for the whole inventory
        return "", ""
    return api_version, kind


def peek_type(value: bytes) -> tuple[str, str, str]:
    """(encoding, apiVersion, kind) read from the start of a stored value, without decoding the object."""
    if value.startswith(PROTOBUF_MAGIC):
        # runtime.Unknown writes typeMeta (field 1) first; a few distinct typeMetas repeat millions of times
        if len(value) > 6 and value[4] == 0x0A and value[5] < 0x80:
            return ("protobuf", *_type_meta(value[6 : 6 + value[5]]))
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


def _parent(key: bytes, prefix: str, cache: dict[bytes, tuple[str, str] | None]) -> tuple[str, str] | None:
    """(resource, namespace) of a key, cached per parent path: millions of keys share a few parents."""
    cut = key.rfind(b"/")
    parent = key[:cut] if cut > 0 else key
    if parent not in cache:
        where = parse_registry_key(parent.decode("utf-8", "replace") + "/_", prefix) if cut > 0 else None
        cache[parent] = (where.resource, where.namespace) if where else None
    return cache[parent]


def _stored_type(raw: bytes | tuple[str, str, str]) -> tuple[str, str, str]:
    """(encoding, apiVersion, kind) of a raw protobuf typeMeta, or an already classified value."""
    return raw if isinstance(raw, tuple) else ("protobuf", *_type_meta(raw))


def inspect_snapshot(
    bolt: BoltFile, target: KubeVersion | None = None, list_all: bool = False, prefix: str = DEFAULT_PREFIX
) -> InspectReport:
    mm = bolt.mm
    # First pass, per key: only slicing and dict updates, keyed by raw bytes (typeMeta, then parent path);
    # names, versions and statuses are resolved once per distinct raw key afterwards.
    raw_groups: dict[bytes | tuple[str, str, str], dict[bytes, list[int]]] = {}  # [count, size, keep]
    raw_status: dict[bytes | tuple[str, str, str], str] = {}
    kept: list[tuple[bytes, int, int, bytes | tuple[str, str, str]]] = []
    records = live_records(bolt)
    newest = next(records, None)  # the newest live record carries the snapshot's revision
    for key, head, offset, length, record in chain((newest,) if newest else (), records):
        raw: bytes | tuple[str, str, str]
        if head.startswith(b"k8s\x00\n") and (meta_length := head[5]) < 0x3A and length > 6 + meta_length:
            raw = head[6 : 6 + meta_length]
        else:
            raw = peek_type(mm[offset : offset + length])
        by_parent = raw_groups.get(raw)
        if by_parent is None:
            by_parent = raw_groups[raw] = {}
            _encoding, api_version, kind = _stored_type(raw)
            raw_status[raw] = _status(api_version, kind, target)
        parent = key[: key.rfind(b"/")]
        group = by_parent.get(parent)
        if group is None:
            group = by_parent[parent] = [0, 0, bool(raw_status[raw] or list_all)]
        group[0] += 1
        group[1] += length
        if group[2]:
            kept.append((key, length, record_revision(bolt, record), raw))
    parents: dict[bytes, tuple[str, str] | None] = {}
    groups: dict[tuple[str, str, str, str, str], list[int]] = {}
    other = 0
    for raw, by_parent in raw_groups.items():
        encoding, api_version, stored_kind = _stored_type(raw)
        for parent, (count, size, _keep) in by_parent.items():
            where = _parent(parent + b"/_", prefix, parents)
            if where is None:
                other += count
                continue
            kind = stored_kind or KNOWN_KINDS.get(where[0], "")
            merged = groups.setdefault((*where, api_version, kind, encoding), [0, 0])
            merged[0] += count
            merged[1] += size
    objects: list[StoredObject] = []
    for key, size, revision, raw in kept:
        where = _parent(key, prefix, parents)
        if where is None:
            continue
        encoding, api_version, kind = _stored_type(raw)
        text = key.decode("utf-8", "replace")
        objects.append(StoredObject(text, *where, text.rsplit("/", 1)[-1], api_version,
                                    kind or KNOWN_KINDS.get(where[0], ""), encoding, size, revision,
                                    raw_status[raw]))
    status_of = {_stored_type(raw)[1:]: status for raw, status in raw_status.items()}
    rows = tuple(
        ResourceGroup(r, ns, av, kind, enc, c, s, status_of.get((av, kind), ""))
        for (r, ns, av, kind, enc), (c, s) in sorted(groups.items())
    )
    objects.sort(key=lambda o: (o.resource, o.namespace, o.name))
    revision = record_revision(bolt, newest[4]) if newest else 0
    live_keys = sum(group[0] for by_parent in raw_groups.values() for group in by_parent.values())
    return InspectReport(str(bolt.path), revision, live_keys, other, rows, tuple(objects),
                         str(target) if target else "")
