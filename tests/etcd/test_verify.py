"""Corrupted, truncated and foreign files are refused with a message naming the file and exit 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.errors import SnapshotError
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.verify import verify_snapshot
from kubehop.model import ExitCode
from tests.etcd.conftest import Snapshots

pytestmark = pytest.mark.etcd


def copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_good_snapshot_verifies(bulk_snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = verify_snapshot(bulk_snapshot)
    assert result.has_trailer and result.pages > 10 and result.buckets == 10
    assert main(["etcd", "verify", str(bulk_snapshot)]) == ExitCode.OK
    assert "SHA-256 trailer matches" in capsys.readouterr().out


def test_flipped_byte_is_refused(k8s_snapshots: Snapshots, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                 ) -> None:
    bad = copy(k8s_snapshots.old, tmp_path / "bad.db")
    with BoltFile(bad) as bolt:
        root, _ = bolt.bucket(b"key") or (0, 0)
        offset = root * bolt.page_size + 100
    flip(bad, offset)
    assert main(["etcd", "verify", str(bad)]) == ExitCode.ERROR
    err = capsys.readouterr().err
    assert f"{bad}: SHA-256 mismatch" in err


@pytest.mark.parametrize("cut", [32, 4096, 100_000])
def test_truncated_snapshot_is_refused(cut: int, bulk_snapshot: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = bulk_snapshot.read_bytes()
    short = tmp_path / "short.db"
    short.write_bytes(data[:-cut])
    assert main(["etcd", "verify", str(short)]) == ExitCode.ERROR
    err = capsys.readouterr().err
    assert str(short) in err
    assert "truncated" in err or "no SHA-256 trailer" in err


def test_raw_db_copy_needs_no_trailer_ok(k8s_snapshots: Snapshots, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    raw = tmp_path / "db"
    raw.write_bytes(k8s_snapshots.old.read_bytes()[:-32])
    assert main(["etcd", "verify", str(raw)]) == ExitCode.ERROR
    assert "no SHA-256 trailer" in capsys.readouterr().err
    assert main(["etcd", "verify", "--no-trailer-ok", str(raw)]) == ExitCode.OK


def test_corrupt_page_with_recomputed_trailer_is_caught_by_the_walk(bulk_snapshot: Path, tmp_path: Path) -> None:
    import hashlib

    with BoltFile(bulk_snapshot) as bolt:
        root, _ = bolt.bucket(b"key") or (0, 0)
        size = bolt.size
    data = bytearray(bulk_snapshot.read_bytes()[:size])
    data[root * 4096 : root * 4096 + 8] = (999_999).to_bytes(8, "little")  # wrong page id
    bad = tmp_path / "page.db"
    bad.write_bytes(bytes(data) + hashlib.sha256(data).digest())
    with pytest.raises(SnapshotError, match=f"{bad}: page {root} has id 999999"):
        verify_snapshot(bad)


@pytest.mark.parametrize("content", [b"", b"not a snapshot at all" * 200, bytes(8192)])
def test_foreign_files(content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "foreign.db"
    path.write_bytes(content)
    for command in ("verify", "status", "inspect"):
        assert main(["etcd", command, str(path)]) == ExitCode.ERROR
        assert str(path) in capsys.readouterr().err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["etcd", "status", str(tmp_path / "nope.db")]) == ExitCode.ERROR
    assert "nope.db: cannot open" in capsys.readouterr().err


def test_random_corruption_gives_a_clean_error_or_a_result(bulk_snapshot: Path, tmp_path: Path) -> None:
    """Fault injection: damaged pages (with a recomputed trailer, so the walk runs) never crash the reader."""
    import hashlib
    import random

    from kubehop.etcd.diff import diff_snapshots
    from kubehop.etcd.inspect import inspect_snapshot
    from kubehop.etcd.status import snapshot_status

    body = bulk_snapshot.read_bytes()[:-32]
    rng = random.Random(7)
    outcomes = {"ok": 0, "refused": 0}
    for attempt in range(150):
        data = bytearray(body)
        for _ in range(rng.choice((1, 4, 32))):
            offset = rng.randrange(0, len(data)) if attempt % 3 else rng.randrange(0, 3 * 4096)
            data[offset] = rng.randrange(256)
        path = tmp_path / f"fuzz{attempt}.db"
        path.write_bytes(bytes(data) + hashlib.sha256(data).digest())
        try:
            verify_snapshot(path)
            with BoltFile(path) as bolt, BoltFile(bulk_snapshot) as good:
                snapshot_status(bolt)
                inspect_snapshot(bolt)
                diff_snapshots(good, bolt)
            outcomes["ok"] += 1
        except SnapshotError as exc:
            assert str(exc).startswith(f"{path}: "), exc
            outcomes["refused"] += 1
        path.unlink()
    assert outcomes["refused"] > 10 and outcomes["ok"] > 10, outcomes
