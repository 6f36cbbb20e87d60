"""Kubernetes objects as kube-apiserver stores them in etcd: key layout and value encodings.

Keys: <prefix>/<resource>/[<namespace>/]<name>, with `group/resource` for CRDs, APIServices and
custom resources, and a few special prefixes (reference §4.1). Values, detected by prefix: encrypted
`k8s:enc:<provider>:v1:<key>:`, protobuf `k8s\\0` + runtime.Unknown, CBOR `d9 d9 f7`, JSON `{` (§4.2).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubehop.errors import SnapshotError
from kubehop.etcd import pb

DEFAULT_PREFIX = "/registry"
PROTOBUF_MAGIC = b"k8s\x00"
ENCRYPTED_MAGIC = b"k8s:enc:"
CBOR_MAGIC = b"\xd9\xd9\xf7"

# Key path -> resource, where kube-apiserver deviates from the plain resource name (reference §4.1).
SPECIAL_PREFIXES: Mapping[str, str] = {
    "services/specs": "services",
    "services/endpoints": "endpoints",
    "controllers": "replicationcontrollers",
    "minions": "nodes",
    "ingress": "ingresses",
    "podsecuritypolicy": "podsecuritypolicies",
}

# Kinds of common resources, used when the value itself does not say (encrypted values).
KNOWN_KINDS: Mapping[str, str] = {
    "secrets": "Secret", "configmaps": "ConfigMap", "pods": "Pod", "services": "Service",
    "endpoints": "Endpoints", "namespaces": "Namespace", "nodes": "Node", "deployments": "Deployment",
    "replicasets": "ReplicaSet", "daemonsets": "DaemonSet", "statefulsets": "StatefulSet",
    "ingresses": "Ingress", "serviceaccounts": "ServiceAccount", "events": "Event",
    "replicationcontrollers": "ReplicationController", "persistentvolumes": "PersistentVolume",
    "persistentvolumeclaims": "PersistentVolumeClaim",
}


@dataclass(frozen=True)
class RegistryKey:
    resource: str  # e.g. "secrets", or "stable.example.com/crontabs" for grouped paths
    namespace: str
    name: str


def parse_registry_key(key: str, prefix: str = DEFAULT_PREFIX) -> RegistryKey | None:
    """Split an etcd key into resource, namespace and name; None for keys outside the prefix."""
    head = prefix.rstrip("/") + "/"
    if not key.startswith(head):
        return None
    parts = key[len(head) :].split("/")
    if len(parts) >= 3 and "/".join(parts[:2]) in SPECIAL_PREFIXES:
        resource, rest = SPECIAL_PREFIXES["/".join(parts[:2])], parts[2:]
    elif "." in parts[0] and len(parts) >= 3:
        resource, rest = f"{parts[0]}/{parts[1]}", parts[2:]
    else:
        resource, rest = SPECIAL_PREFIXES.get(parts[0], parts[0]), parts[1:]
    if not rest or not rest[-1]:
        return None
    if len(rest) == 1:
        return RegistryKey(resource, "", rest[0])
    return RegistryKey(resource, rest[0], "/".join(rest[1:]))


@dataclass(frozen=True)
class ObjectMeta:
    name: str = ""
    namespace: str = ""
    uid: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DecodedValue:
    """What a stored value says about itself. `raw` is the typed protobuf (protobuf encoding only)."""

    encoding: str  # protobuf | json | cbor | encrypted | unknown
    api_version: str = ""
    kind: str = ""
    meta: ObjectMeta = field(default_factory=ObjectMeta)
    provider: str = ""  # encryption provider and key name, e.g. "aescbc:key1"
    raw: bytes = b""
    document: Mapping[str, Any] | None = None  # decoded JSON object


def _map_entry(buf: bytes) -> tuple[str, bytes]:
    key, value = "", b""
    for number, _wire, item in pb.fields(buf):
        if number == 1 and isinstance(item, bytes):
            key = item.decode("utf-8", "replace")
        elif number == 2 and isinstance(item, bytes):
            value = item
    return key, value


def decode_object_meta(buf: bytes) -> ObjectMeta:
    name = namespace = uid = ""
    labels: list[tuple[str, str]] = []
    annotations: list[tuple[str, str]] = []
    for number, _wire, item in pb.fields(buf):
        if not isinstance(item, bytes):
            continue
        if number == 1:
            name = item.decode("utf-8", "replace")
        elif number == 3:
            namespace = item.decode("utf-8", "replace")
        elif number == 5:
            uid = item.decode("utf-8", "replace")
        elif number in (11, 12):
            k, v = _map_entry(item)
            (labels if number == 11 else annotations).append((k, v.decode("utf-8", "replace")))
    return ObjectMeta(name, namespace, uid, tuple(labels), tuple(annotations))


def _decode_protobuf(value: bytes) -> DecodedValue:
    api_version = kind = ""
    raw = b""
    for number, _wire, item in pb.fields(value[len(PROTOBUF_MAGIC) :]):
        if number == 1 and isinstance(item, bytes):
            for sub, _w, text in pb.fields(item):
                if sub == 1:
                    api_version = pb.as_text(text)
                elif sub == 2:
                    kind = pb.as_text(text)
        elif number == 2 and isinstance(item, bytes):
            raw = item
    meta = ObjectMeta()
    for number, _wire, item in pb.fields(raw):
        if number == 1 and isinstance(item, bytes):
            meta = decode_object_meta(item)
            break
    return DecodedValue("protobuf", api_version, kind, meta, raw=raw)


def _decode_json(value: bytes) -> DecodedValue:
    doc = json.loads(value)
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    meta_doc = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    assert isinstance(meta_doc, dict)

    def pairs(key: str) -> tuple[tuple[str, str], ...]:
        found = meta_doc.get(key)
        return tuple(sorted((str(k), str(v)) for k, v in found.items())) if isinstance(found, dict) else ()

    meta = ObjectMeta(
        str(meta_doc.get("name", "")), str(meta_doc.get("namespace", "")), str(meta_doc.get("uid", "")),
        pairs("labels"), pairs("annotations"),
    )
    return DecodedValue("json", str(doc.get("apiVersion", "")), str(doc.get("kind", "")), meta, document=doc)


def decode_value(value: bytes) -> DecodedValue:
    """Classify and decode one stored value; never raises on foreign data (returns `unknown`)."""
    try:
        if value.startswith(ENCRYPTED_MAGIC):
            parts = value[len(ENCRYPTED_MAGIC) :].split(b":", 3)
            provider = parts[0].decode("ascii", "replace")
            if len(parts) >= 3:
                provider += ":" + parts[2].decode("ascii", "replace")
            return DecodedValue("encrypted", provider=provider)
        if value.startswith(PROTOBUF_MAGIC):
            return _decode_protobuf(value)
        if value.startswith(CBOR_MAGIC):
            return DecodedValue("cbor")
        if value.lstrip()[:1] == b"{":
            return _decode_json(value)
    except (SnapshotError, ValueError, UnicodeDecodeError):
        return DecodedValue("unknown")
    return DecodedValue("unknown")


def manifest_for_reapply(decoded: DecodedValue) -> dict[str, Any] | None:
    """A Secret or ConfigMap as a manifest to re-apply; None when the value cannot be read (encrypted)."""
    if decoded.encoding == "json" and decoded.document is not None:
        doc = dict(decoded.document)
        meta = dict(doc.get("metadata") or {})
        for volatile in ("uid", "resourceVersion", "creationTimestamp", "managedFields", "selfLink",
                         "generation"):
            meta.pop(volatile, None)
        doc["metadata"] = meta
        return doc
    if decoded.encoding != "protobuf" or decoded.kind not in ("Secret", "ConfigMap"):
        return None
    metadata: dict[str, Any] = {"name": decoded.meta.name}
    if decoded.meta.namespace:
        metadata["namespace"] = decoded.meta.namespace
    if decoded.meta.labels:
        metadata["labels"] = dict(decoded.meta.labels)
    if decoded.meta.annotations:
        metadata["annotations"] = dict(decoded.meta.annotations)
    doc = {"apiVersion": decoded.api_version or "v1", "kind": decoded.kind, "metadata": metadata}
    data: dict[str, str] = {}
    binary: dict[str, str] = {}
    secret = decoded.kind == "Secret"
    for number, _wire, item in pb.fields(decoded.raw):
        if number == 2 and isinstance(item, bytes):
            key, value = _map_entry(item)
            data[key] = base64.b64encode(value).decode("ascii") if secret else value.decode("utf-8", "replace")
        elif number == 3 and isinstance(item, bytes):
            if secret:
                doc["type"] = item.decode("utf-8", "replace")
            else:
                key, value = _map_entry(item)
                binary[key] = base64.b64encode(value).decode("ascii")
        elif (number == 5 and secret) or (number == 4 and not secret):
            doc["immutable"] = bool(item)
    if data:
        doc["data"] = data
    if binary:
        doc["binaryData"] = binary
    return doc
