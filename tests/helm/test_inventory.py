from __future__ import annotations

from pathlib import Path

from kubehop.helm.codec_v2 import release_from_proto
from kubehop.helm.inventory import iter_releases, latest_only, summarise
from kubehop.helm.release import BadRecord, StoredRelease
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.file import FileStorage
from tests.helm.factories import helm2_proto, helm3_release


def test_latest_revision_per_release_and_namespace_filter_for_tiller(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path / "r.yaml")
    for version in (1, 2):
        storage.create(helm3_release(name="web", namespace="a", version=version))
    storage.create(helm3_release(name="web", namespace="b", version=7))
    storage.create(release_from_proto(helm2_proto(name="old", namespace="a", version=3).SerializeToString()))
    storage.create(release_from_proto(helm2_proto(name="other", namespace="b").SerializeToString()))

    rows = latest_only(summarise(i) for i in iter_releases(storage, Query()) if isinstance(i, StoredRelease))
    assert [(r.namespace, r.name, r.revision, r.helm_version) for r in rows] == [
        ("a", "old", 3, 2), ("a", "web", 2, 3), ("b", "other", 1, 2), ("b", "web", 7, 3)]
    # Tiller records live in kube-system; the release namespace is known only after decoding.
    in_a = [i.release.name for i in iter_releases(storage, Query(), release_namespace="a")
            if isinstance(i, StoredRelease)]
    assert sorted(in_a) == ["old", "web", "web"]


def test_undecodable_payload_becomes_bad_record(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "r.yaml"
    FileStorage(path).create(helm3_release())
    doc = yaml.safe_load(path.read_text())
    doc["items"][0]["data"]["release"] = "H4sIAAAAAAAA"  # base64 of a gzip header only: truncated
    path.write_text(yaml.safe_dump(doc))
    (item,) = iter_releases(FileStorage(path), Query())
    assert isinstance(item, BadRecord)
    assert item.key == "sh.helm.release.v1.demo.v1" and "default/sh.helm.release.v1.demo.v1: " in item.error


def test_helm4_records_are_told_from_helm3_ones_and_group_with_them(tmp_path: Path) -> None:
    from kubehop.helm.codec_v3 import release_from_json
    from tests.helm.factories import helm3_body

    storage = FileStorage(tmp_path / "r.yaml")
    storage.create(helm3_release(name="web", namespace="a", version=1, status="superseded"))
    # Revision 2 written by Helm 4 (apply_method in the record), after a Helm 3 revision 1: one release.
    storage.create(release_from_json({**helm3_body(name="web", namespace="a", version=2), "apply_method": "ssa"}))
    storage.create(release_from_json({**helm3_body(name="api", namespace="a", version=1), "apply_method": "csa"}))
    rows = [summarise(i) for i in iter_releases(storage, Query()) if isinstance(i, StoredRelease)]
    assert sorted((r.name, r.revision, r.helm_version) for r in rows) == [("api", 1, 4), ("web", 1, 3), ("web", 2, 4)]
    assert [(r.name, r.revision, r.helm_version) for r in latest_only(rows)] == [("api", 1, 4), ("web", 2, 4)]
