from __future__ import annotations

import base64
from typing import Any

import pytest

from kubehop.errors import HelmRecordError
from kubehop.helm.codec_v2 import release_from_proto
from kubehop.helm.records import object_for, read_object, record_from_object, release_labels
from kubehop.helm.release import BadRecord
from tests.helm.factories import helm2_proto, helm3_release


def secret(**changes: Any) -> dict[str, Any]:
    release = helm3_release()
    obj = object_for(release, kind="Secret", namespace="default",
                     labels=release_labels(release, now=1700000000, created=True, extra={"team": "a"}))
    obj.update(changes)
    return obj


def test_helm3_secret_object_matches_helm() -> None:
    obj = secret()
    assert obj["type"] == "helm.sh/release.v1"
    assert obj["metadata"]["name"] == "sh.helm.release.v1.demo.v1"
    assert obj["metadata"]["labels"] == {"team": "a", "name": "demo", "owner": "helm", "status": "deployed",
                                         "version": "1", "createdAt": "1700000000"}
    record = record_from_object(obj, "file:x")
    assert base64.b64decode(obj["data"]["release"]).decode() == record.payload
    assert (record.helm_major, record.name, record.version, record.status) == (3, "demo", 1, "deployed")


def test_tiller_configmap_labels() -> None:
    release = release_from_proto(helm2_proto(status="PENDING_UPGRADE").SerializeToString())
    labels = release_labels(release, now=5, created=False)
    assert labels == {"NAME": "demo", "OWNER": "TILLER", "STATUS": "PENDING_UPGRADE", "VERSION": "1",
                      "MODIFIED_AT": "5"}
    record = record_from_object(object_for(release, kind="ConfigMap", namespace="kube-system", labels=labels), "t")
    assert (record.helm_major, record.status, record.key) == (2, "pending-upgrade", "demo.v1")


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (secret(type="helm.sh/release.v2"), "unknown release format version 'helm.sh/release.v2'"),
        (secret(data={}), "record has no data.release"),
        (secret(kind="Pod"), "unknown record kind 'Pod'"),
        (secret(data={"release": "***"}), "Secret data.release is not base64"),
        ({"kind": "Secret", "metadata": {"name": "x", "namespace": "ns", "labels": {"owner": "someone"}}},
         "ns/x: unknown record format: no owner=helm or OWNER=TILLER label"),
    ],
)
def test_unreadable_objects(obj: dict[str, Any], message: str) -> None:
    with pytest.raises(HelmRecordError, match=message.replace("(", r"\(").replace(".", r"\.")):
        record_from_object(obj, "s")
    bad = read_object(obj, "s")
    assert isinstance(bad, BadRecord) and message in bad.error


def test_a_wrapped_secret_data_release_is_read_as_go_reads_it() -> None:
    obj = secret()
    canonical = obj["data"]["release"]
    obj["data"]["release"] = "\r\n".join(canonical[i:i + 76] for i in range(0, len(canonical), 76)) + "\r\n"
    assert record_from_object(obj, "s").payload == record_from_object(secret(), "s").payload
