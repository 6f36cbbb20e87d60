"""restore-backup removes exactly the revisions the fix created: the backup names each one's key and payload."""

from __future__ import annotations

import json
from pathlib import Path

from kubehop.fix import Outcome
from kubehop.fix.backup import read_backup
from kubehop.fix.restore import restore_backup
from kubehop.helm.codec import decode_body, evolve
from kubehop.helm.release import StoredRecord
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.file import FileStorage
from tests.fix.conftest import Backend
from tests.fix.helpers import only, run_fix
from tests.fix.seed import NAME, history


def _fixed(tmp_path: Path) -> tuple[FileStorage, Path, bytes]:
    """A file store fixed once: (the store, the fix's backup, the file's bytes before the fix)."""
    path = tmp_path / "releases.yaml"
    storage = FileStorage(path)
    for release in history(3, "apps"):
        storage.create(release)
    original = path.read_bytes()
    backend = Backend(f"file:{path}", 3, "apps", "apps", [], lambda: storage)
    assert only(run_fix(storage, backend, tmp_path / "b.jsonl")).outcome is Outcome.FIXED
    return storage, tmp_path / "b.jsonl", original


def test_the_backup_names_the_payload_of_each_created_revision(tmp_path: Path) -> None:
    storage, backup, original = _fixed(tmp_path)
    absent = [json.loads(line) for line in backup.read_text().splitlines()[1:]]
    created = [e for e in absent if e["type"] == "absent"]
    assert [e["key"] for e in created] == [f"sh.helm.release.v1.{NAME}.v3"] and len(created[0]["written"]) == 64
    (result,) = restore_backup(read_backup(backup), storage)
    assert (result.outcome, result.restored, result.removed) == ("restored", 1, 1)
    assert storage.path.read_bytes() == original


def test_a_created_revision_changed_since_is_only_removed_with_force(tmp_path: Path) -> None:
    storage, backup, original = _fixed(tmp_path)
    made = storage.get("apps", f"sh.helm.release.v1.{NAME}.v3")
    release = decode_body(made.payload, 3, key=made.key)
    storage.update(evolve(release, description="edited by hand"), made)
    changed = storage.path.read_bytes()
    (skipped,) = restore_backup(read_backup(backup), storage)
    assert skipped.outcome == "skipped" and "created by the fix and changed since" in skipped.detail
    assert storage.path.read_bytes() == changed  # nothing written
    (forced,) = restore_backup(read_backup(backup), storage, force=True)
    assert (forced.outcome, forced.removed) == ("restored", 1)
    assert storage.path.read_bytes() == original


def test_a_backup_without_payload_digests_removes_what_kubehop_described(tmp_path: Path) -> None:
    storage, backup, original = _fixed(tmp_path)
    lines = [json.loads(line) for line in backup.read_text().splitlines()]
    for line in lines:
        line.pop("written", None)
    backup.write_text("".join(json.dumps(line) + "\n" for line in lines))
    (result,) = restore_backup(read_backup(backup), storage)
    assert (result.outcome, result.removed) == ("restored", 1)
    assert storage.path.read_bytes() == original
    assert [r.key for r in storage.list(Query()) if isinstance(r, StoredRecord)] == [
        f"sh.helm.release.v1.{NAME}.v1", f"sh.helm.release.v1.{NAME}.v2"]
