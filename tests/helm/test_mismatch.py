"""Where a record is stored versus what its body says."""

from __future__ import annotations

from kubehop.helm.codec_v2 import release_from_proto
from kubehop.helm.mismatch import describe, key_revision, record_mismatches, stored_revision
from kubehop.helm.records import object_for, record_from_object, release_labels
from kubehop.helm.release import Release, StoredRecord
from tests.helm.factories import helm2_proto, helm3_release


def stored(release: Release, *, namespace: str = "default", key: str | None = None,
           **labels: str) -> StoredRecord:
    kind = "ConfigMap" if release.helm_major == 2 else "Secret"
    obj = object_for(release, kind=kind, namespace=namespace, key=key,
                     labels=release_labels(release, now=1, created=True) | labels)
    return record_from_object(obj, "file:x")


def test_a_record_that_agrees_with_its_body_has_no_mismatch() -> None:
    release = helm3_release()
    assert record_mismatches(stored(release), release) == ()
    old = release_from_proto(helm2_proto(namespace="apps").SerializeToString())
    assert record_mismatches(stored(old, namespace="kube-system"), old) == ()  # Tiller: its own namespace


def test_every_disagreement_is_named() -> None:
    release = helm3_release(namespace="old-home", version=2)
    record = stored(release, namespace="new-home", key="sh.helm.release.v1.demo.v7", version="7",
                    status="superseded", name="other")
    assert record_mismatches(record, release) == (
        "stored in namespace new-home, body says namespace old-home",
        "key sh.helm.release.v1.demo.v7, body says sh.helm.release.v1.demo.v2",
        "label name 'other', body says 'demo'",
        "label version '7', body says '2'",
        "label status 'superseded', body says 'deployed'",
    )
    assert describe(record, ("x",)) == "file:x:new-home/sh.helm.release.v1.demo.v7: record disagrees with its " \
                                       "release body (x)"
    assert (stored_revision(record), key_revision(record.key)) == (7, 7)


def test_helm2_labels_are_compared_in_tillers_spelling() -> None:
    old = release_from_proto(helm2_proto(status="PENDING_UPGRADE").SerializeToString())
    assert record_mismatches(stored(old), old) == ()
    assert record_mismatches(stored(old, STATUS="DEPLOYED"), old) == (
        "label STATUS 'DEPLOYED', body says 'PENDING_UPGRADE'",)


def test_a_missing_label_is_a_mismatch() -> None:
    release = helm3_release()
    record = stored(release)
    bare = StoredRecord(storage=record.storage, key=record.key, namespace=record.namespace, helm_major=3,
                        labels={"owner": "helm"}, payload=record.payload, raw=record.raw)
    assert record_mismatches(bare, release) == ("label name missing, body says 'demo'",
                                                "label version missing, body says '1'",
                                                "label status missing, body says 'deployed'")
    assert stored_revision(bare) == 1  # from the key
