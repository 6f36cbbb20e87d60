"""File edges of `kubehop convert`: backups first (0600), atomic replacement, nothing half-written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kubehop.convert import files
from kubehop.errors import ManifestError, UsageError


def test_replace_keeps_a_0600_backup_and_the_original_mode(tmp_path: Path) -> None:
    target = tmp_path / "app.yaml"
    target.write_bytes(b"old: 1\r\n")
    target.chmod(0o640)
    backup = files.replace_with_backup(target, "new: 2\n")
    assert target.read_text() == "new: 2\n"
    assert backup.read_bytes() == b"old: 1\r\n"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    again = files.replace_with_backup(target, "new: 3\n")
    assert again != backup and backup.exists()  # a second run never overwrites an earlier backup


def test_a_crash_during_the_replace_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "app.yaml"
    target.write_text("old: 1\n")

    def fail(src: str, dst: str) -> None:
        if Path(dst) == target:
            raise OSError(28, "No space left on device")
        os.rename(src, dst)

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        files.replace_with_backup(target, "new: 2\n")
    assert target.read_text() == "old: 1\n"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    backups = [p for p in tmp_path.iterdir() if p.name.endswith(".bak")]
    assert [b.read_text() for b in backups] == ["old: 1\n"]  # the backup was written before the failure


def test_expand_paths_walks_folders_and_refuses_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "charts" / "a").mkdir(parents=True)
    (tmp_path / "charts" / "a" / "x.yaml").write_text("a: 1\n")
    (tmp_path / "charts" / "README.md").write_text("no\n")
    found = files.expand_paths([str(tmp_path / "charts")])
    assert [str(rel) for _p, rel in found] == ["a/x.yaml"]
    with pytest.raises(UsageError, match=r"nope\.yaml: no such file or directory"):
        files.expand_paths([str(tmp_path / "nope.yaml")])


def test_read_text_names_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"a: \xff\xfe\n")
    with pytest.raises(ManifestError, match=r"bad\.yaml: not UTF-8"):
        files.read_text(bad)


def test_load_live_indexes_lists_and_documents(tmp_path: Path) -> None:
    live = tmp_path / "live.yaml"
    live.write_text(
        "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: apps/v1, kind: Deployment, metadata: {name: a, namespace: n}}\n"
        "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: b}\n"
    )
    index = files.load_live(live)
    assert set(index) == {("Deployment", "n", "a"), ("DaemonSet", "", "b")}
