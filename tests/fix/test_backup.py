"""Backup files: private, never overwritten, first line per key wins, clear errors for bad files."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from kubehop.errors import UsageError
from kubehop.fix.backup import BackupWriter, read_backup
from kubehop.helm.release import StoredRecord


def record(key: str, payload: str) -> StoredRecord:
    return StoredRecord(storage="file:x", key=key, namespace="apps", helm_major=3, labels={"name": "demo"},
                        payload=payload, raw={"kind": "Secret", "metadata": {"name": key}, "data": payload})


def test_backup_is_private_and_the_first_copy_of_a_key_wins(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    writer = BackupWriter(path, "file:x")
    writer.save_records("demo", [record("k.v1", "first")])
    writer.save_records("demo", [record("k.v1", "second"), record("k.v2", "other")])
    writer.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    header = json.loads(path.read_text().splitlines()[0])
    assert header["format"] == "kubehop-release-backup" and header["storage"] == "file:x"
    backup = read_backup(path)
    assert [(e.key, e.raw and e.raw["data"]) for e in backup.entries] == [("k.v1", "first"), ("k.v2", "other")]


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text("keep me\n")
    writer = BackupWriter(path, "sql")
    with pytest.raises(UsageError, match="exists already"):
        writer.save_records("demo", [record("k.v1", "x")])
    assert path.read_text() == "keep me\n"


def test_nothing_saved_means_no_file(tmp_path: Path) -> None:
    writer = BackupWriter(tmp_path / "b.jsonl", "sql")
    writer.close()
    assert not (tmp_path / "b.jsonl").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty backup file"),
    ("not json\n", "not a kubehop backup line"),
    ('{"format": "something-else"}\n', "not a kubehop release backup"),
    ('{"format": "kubehop-release-backup", "version": 99}\n', "format version 99"),
    ('{"format": "kubehop-release-backup", "version": 1}\n{"type": "record"}\n', "incomplete backup entry"),
])
def test_bad_backup_files_are_named_in_the_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(text)
    with pytest.raises(UsageError, match=message) as caught:
        read_backup(path)
    assert str(path) in str(caught.value)
