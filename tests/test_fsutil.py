from __future__ import annotations

import os
from pathlib import Path

import pytest

from kubehop.fsutil import write_atomically


def test_writes_with_the_mode_asked(tmp_path: Path) -> None:
    write_atomically(tmp_path / "a", "text")
    write_atomically(tmp_path / "b", b"\x00bytes", mode=0o644)
    assert (tmp_path / "a").read_text() == "text" and (tmp_path / "a").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "b").read_bytes() == b"\x00bytes" and (tmp_path / "b").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        failing: str) -> None:
    path = tmp_path / "f"
    path.write_text("old")

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(path, "new")
    monkeypatch.undo()
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["f"]
