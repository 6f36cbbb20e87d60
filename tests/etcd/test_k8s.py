"""Kubernetes key layout and value encodings (hand-encoded protobuf, JSON, encrypted, CBOR)."""

from __future__ import annotations

import base64

import pytest

from kubehop.etcd.k8s import RegistryKey, decode_value, manifest_for_reapply, parse_registry_key
from tests.etcd import k8s_values as kv


@pytest.mark.parametrize(("key", "expected"), [
    ("/registry/secrets/default/db", RegistryKey("secrets", "default", "db")),
    ("/registry/namespaces/default", RegistryKey("namespaces", "", "default")),
    ("/registry/services/specs/default/kubernetes", RegistryKey("services", "default", "kubernetes")),
    ("/registry/services/endpoints/default/kubernetes", RegistryKey("endpoints", "default", "kubernetes")),
    ("/registry/minions/node-1", RegistryKey("nodes", "", "node-1")),
    ("/registry/controllers/ns/rc", RegistryKey("replicationcontrollers", "ns", "rc")),
    ("/registry/ingress/ns/site", RegistryKey("ingresses", "ns", "site")),
    ("/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com",
     RegistryKey("apiextensions.k8s.io/customresourcedefinitions", "", "crontabs.stable.example.com")),
    ("/registry/stable.example.com/crontabs/default/c1", RegistryKey("stable.example.com/crontabs", "default", "c1")),
    ("compact_rev_key", None),
    ("/registry/", None),
])
def test_parse_registry_key(key: str, expected: RegistryKey | None) -> None:
    assert parse_registry_key(key) == expected


def test_custom_prefix() -> None:
    assert parse_registry_key("/k8s/pods/a/b", "/k8s") == RegistryKey("pods", "a", "b")
    assert parse_registry_key("/registry/pods/a/b", "/k8s") is None


def test_protobuf_envelope() -> None:
    decoded = decode_value(kv.typed("extensions/v1beta1", "Deployment", "web", "prod", 10))
    assert (decoded.encoding, decoded.api_version, decoded.kind) == ("protobuf", "extensions/v1beta1", "Deployment")
    assert (decoded.meta.name, decoded.meta.namespace, decoded.meta.uid) == ("web", "prod", "uid-prod-web")


def test_json_and_encrypted_and_cbor() -> None:
    crd = decode_value(kv.json_object("apiextensions.k8s.io/v1", "CustomResourceDefinition", "a.b.c"))
    assert (crd.encoding, crd.api_version, crd.kind, crd.meta.name) == (
        "json", "apiextensions.k8s.io/v1", "CustomResourceDefinition", "a.b.c")
    enc = decode_value(kv.encrypted("aescbc", "key1"))
    assert (enc.encoding, enc.provider, enc.api_version) == ("encrypted", "aescbc:key1", "")
    assert decode_value(b"\xd9\xd9\xf7\xa1").encoding == "cbor"
    assert decode_value(b"k8s\x00\xff\xff").encoding == "unknown"
    assert decode_value(b"plain text").encoding == "unknown"


def test_secret_manifest_for_reapply() -> None:
    manifest = manifest_for_reapply(decode_value(kv.secret("db", "prod", {"password": b"\x00s3cret"})))
    assert manifest == {
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "prod", "labels": {"app": "db"}},
        "type": "Opaque", "data": {"password": base64.b64encode(b"\x00s3cret").decode()},
    }


def test_config_map_manifest_and_unreadable_values() -> None:
    manifest = manifest_for_reapply(decode_value(kv.config_map("cfg", "prod", {"mode": "red"})))
    assert manifest is not None and manifest["data"] == {"mode": "red"} and manifest["kind"] == "ConfigMap"
    assert manifest_for_reapply(decode_value(kv.encrypted())) is None
    from_json = manifest_for_reapply(decode_value(kv.json_object("v1", "Secret", "s", "ns", data={"a": "Yg=="})))
    assert from_json is not None and "uid" not in from_json["metadata"] and from_json["data"] == {"a": "Yg=="}
