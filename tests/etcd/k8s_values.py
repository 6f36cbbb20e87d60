"""Hand-encoded Kubernetes storage values (protobuf wire format written byte by byte), for tests and bench.

runtime.Unknown{typeMeta=1{apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4} after the
`k8s\\0` magic; raw is the typed object with ObjectMeta{name=1, namespace=3, uid=5, labels=11} at field 1.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_bytes(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def field_varint(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def map_entry(number: int, key: str, value: bytes) -> bytes:
    return field_bytes(number, field_bytes(1, key.encode()) + field_bytes(2, value))


def object_meta(name: str, namespace: str = "", labels: Mapping[str, str] | None = None) -> bytes:
    out = field_bytes(1, name.encode())
    if namespace:
        out += field_bytes(3, namespace.encode())
    out += field_bytes(5, f"uid-{namespace}-{name}".encode())
    for key, value in sorted((labels or {}).items()):
        out += map_entry(11, key, value.encode())
    return out


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    type_meta = field_bytes(1, api_version.encode()) + field_bytes(2, kind.encode())
    return b"k8s\x00" + field_bytes(1, type_meta) + field_bytes(2, raw) + field_bytes(3, b"") + field_bytes(4, b"")


def secret(name: str, namespace: str, data: Mapping[str, bytes], secret_type: str = "Opaque") -> bytes:
    raw = field_bytes(1, object_meta(name, namespace, {"app": name}))
    for key, value in sorted(data.items()):
        raw += map_entry(2, key, value)
    raw += field_bytes(3, secret_type.encode())
    return envelope("v1", "Secret", raw)


def config_map(name: str, namespace: str, data: Mapping[str, str]) -> bytes:
    raw = field_bytes(1, object_meta(name, namespace))
    for key, value in sorted(data.items()):
        raw += map_entry(2, key, value.encode())
    return envelope("v1", "ConfigMap", raw)


def typed(api_version: str, kind: str, name: str, namespace: str = "", padding: int = 0) -> bytes:
    """Any object: ObjectMeta plus an opaque spec (field 2) of `padding` bytes."""
    raw = field_bytes(1, object_meta(name, namespace))
    if padding:
        raw += field_bytes(2, b"s" * padding)
    return envelope(api_version, kind, raw)


def json_object(api_version: str, kind: str, name: str, namespace: str = "", **extra: object) -> bytes:
    meta: dict[str, object] = {"name": name, "uid": f"uid-{name}"}
    if namespace:
        meta["namespace"] = namespace
    return json.dumps({"kind": kind, "apiVersion": api_version, "metadata": meta, **extra}).encode()


def encrypted(provider: str = "aescbc", key_name: str = "key1", size: int = 64) -> bytes:
    """An encrypted-at-rest value: prefix, then bytes that stand for IV and ciphertext."""
    return f"k8s:enc:{provider}:v1:{key_name}:".encode() + os.urandom(size)
