from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

from kubehop.errors import ConflictError, StorageError
from kubehop.helm.codec import decode_body, evolve
from kubehop.helm.codec_v2 import release_from_proto
from kubehop.helm.release import BadRecord, StoredRecord
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.file import FileStorage
from tests.helm.factories import helm2_proto, helm3_release


def test_mixed_helm2_and_helm3_records(tmp_path: Path) -> None:
    path = tmp_path / "records.yaml"
    storage = FileStorage(path)
    storage.create(helm3_release(namespace="default", version=1))
    storage.create(release_from_proto(helm2_proto(version=1).SerializeToString()))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = yaml.safe_load(path.read_text())
    assert doc["kind"] == "List"
    assert [(i["kind"], i["metadata"]["namespace"]) for i in doc["items"]] == [
        ("Secret", "default"), ("ConfigMap", "kube-system")]
    found = [r for r in storage.list(Query()) if isinstance(r, StoredRecord)]
    assert [(r.helm_major, r.key) for r in found] == [(3, "sh.helm.release.v1.demo.v1"), (2, "demo.v1")]
    assert [r.helm_major for r in storage.list(Query(namespace="default")) if isinstance(r, StoredRecord)] == [3, 2]


def test_update_checks_the_record_did_not_change(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path / "r.yaml")
    first = storage.create(helm3_release(version=1))
    second = storage.update(evolve(decode_body(first.payload, 3), status="superseded"), first)
    assert second.status == "superseded"
    with pytest.raises(ConflictError, match="changed since it was read"):
        storage.update(evolve(decode_body(first.payload, 3), status="failed"), first)
    with pytest.raises(ConflictError, match="already exists"):
        storage.create(helm3_release(version=1))
    storage.delete(second)
    assert list(storage.list(Query())) == []


def test_reads_kubectl_export_and_reports_bad_items(tmp_path: Path) -> None:
    path = tmp_path / "export.yaml"
    FileStorage(path).create(helm3_release())
    doc = yaml.safe_load(path.read_text())
    doc["items"].append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "unrelated",
                         "namespace": "default"}, "data": {}})
    broken = yaml.safe_load(path.read_text())["items"][0]
    broken["metadata"]["name"] = "sh.helm.release.v1.demo.v2"
    broken["data"]["release"] = "@@@"
    doc["items"].append(broken)
    path.write_text(yaml.safe_dump(doc))
    found = list(FileStorage(path).list(Query()))
    assert [type(r).__name__ for r in found] == ["StoredRecord", "BadRecord", "BadRecord"]
    bad = [r for r in found if isinstance(r, BadRecord)]
    assert "default/unrelated: unknown record format" in bad[0].error
    assert "default/sh.helm.release.v1.demo.v2: Secret data.release is not base64" in bad[1].error


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("items: [\n")
    with pytest.raises(StorageError, match="not YAML"):
        list(FileStorage(path).list(Query()))


@pytest.mark.parametrize("failing", ["os.replace", "os.fsync"])
def test_failed_write_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                failing: str) -> None:
    path = tmp_path / "r.yaml"
    storage = FileStorage(path)
    first = storage.create(helm3_release(version=1))
    before = path.read_bytes()

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(failing, boom)
    with pytest.raises(OSError, match="No space left"):
        storage.update(evolve(decode_body(first.payload, 3), status="superseded"), first)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".r.yaml.lock", "r.yaml"]  # no temporary left over
    # The record as read is still current, so the same update now succeeds.
    assert storage.update(evolve(decode_body(first.payload, 3), status="superseded"), first).status == "superseded"


def test_secret_type_is_kept_on_update(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    storage = FileStorage(path)
    first = storage.create(helm3_release(version=1))
    doc = yaml.safe_load(path.read_text())
    doc["items"][0]["type"] = "Opaque"
    path.write_text(yaml.safe_dump(doc))
    current = storage.get("default", first.key)
    storage.update(evolve(decode_body(current.payload, 3), status="superseded"), current)
    assert yaml.safe_load(path.read_text())["items"][0]["type"] == "Opaque"


def test_missing_file_is_an_error_for_reads_but_not_for_the_first_write(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path / "new.yaml")
    with pytest.raises(StorageError, match="no such file"):
        list(storage.list(Query()))
    storage.create(helm3_release())
    assert [r.key for r in storage.list(Query()) if isinstance(r, StoredRecord)] == ["sh.helm.release.v1.demo.v1"]
