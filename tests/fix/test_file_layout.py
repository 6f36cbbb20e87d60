"""A `file:` store written by another tool (`kubectl get secrets -o json`, a hand-indented YAML export)
comes back from `releases fix` + `restore-backup` byte for byte, not just record for record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubehop.cli import main
from kubehop.helm.records import object_for, release_labels
from kubehop.helm.release import StoredRecord
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.file import FileStorage
from tests.fix.seed import NAME, history
from tests.helm.factories import helm3_release


def _objects() -> list[dict[str, Any]]:
    return [object_for(r, kind="Secret", namespace="apps", labels=release_labels(r, now=1700000000, created=True))
            for r in history(3, "apps")]


LAYOUTS = {
    "kubectl-json": lambda items: json.dumps({"apiVersion": "v1", "items": items, "kind": "List",
                                              "metadata": {"resourceVersion": ""}}, indent=4) + "\n",
    "yaml-stream": lambda items: "".join("---\n# exported\n" + yaml.safe_dump(i, indent=4) for i in items),
}


def _fix_and_restore(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    backup = tmp_path / "backup.jsonl"
    assert main(["releases", "fix", NAME, "--storage", f"file:{path}", "-n", "apps", "--target", "1.19",
                 "--backup", str(backup)]) == 0
    assert "fixed" in capsys.readouterr().out
    assert len(FileStorage(path).get("apps", f"sh.helm.release.v1.{NAME}.v3").payload) > 0
    return backup


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_restore_gives_back_the_file_of_another_tool_byte_for_byte(
        layout: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "releases.yaml"
    path.write_text(LAYOUTS[layout](_objects()), encoding="utf-8")
    original = path.read_bytes()
    backup = _fix_and_restore(path, tmp_path, capsys)
    assert path.read_bytes() != original  # the fix rewrote the file in kubehop's layout
    assert main(["releases", "restore-backup", str(backup), "--storage", f"file:{path}"]) == 0
    assert path.read_bytes() == original


def test_a_record_added_after_the_fix_is_never_undone_by_the_put_back(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "releases.yaml"
    path.write_text(LAYOUTS["kubectl-json"](_objects()), encoding="utf-8")
    backup = _fix_and_restore(path, tmp_path, capsys)
    FileStorage(path).create(helm3_release(name="other", namespace="apps"))
    assert main(["releases", "restore-backup", str(backup), "--storage", f"file:{path}"]) == 0
    storage = FileStorage(path)
    assert storage.get("apps", "sh.helm.release.v1.other.v1").name == "other"
    ours = sorted((r.version, r.status) for r in storage.list(Query(name=NAME)) if isinstance(r, StoredRecord))
    assert ours == [(1, "superseded"), (2, "deployed")]
