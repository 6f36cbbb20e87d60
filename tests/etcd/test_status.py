"""`kubehop etcd status` must print exactly what the real etcdutl / etcdctl print for the same file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.status import humanize_bytes, snapshot_status
from tests.etcd.conftest import Snapshots
from tests.fixtures.etcd import EtcdBinaries

pytestmark = pytest.mark.etcd
FORMATS = ("simple", "table", "json", "fields")


def real_status(argv: tuple[str, ...], path: Path, fmt: str) -> str:
    done = subprocess.run([*argv, "snapshot", "status", str(path), "-w", fmt], capture_output=True, text=True,
                          check=True, env={"ETCDCTL_API": "3"})
    return done.stdout


def kubehop_status(path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["etcd", "status", str(path), "-w", fmt]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", FORMATS)
def test_status_matches_etcdutl_35(fmt: str, k8s_snapshots: Snapshots, bulk_snapshot: Path,
                                   etcd_binaries: EtcdBinaries, capsys: pytest.CaptureFixture[str]) -> None:
    for path in (k8s_snapshots.old, k8s_snapshots.new, bulk_snapshot):
        expected = real_status(etcd_binaries.etcdutl35.argv, path, fmt)
        assert kubehop_status(path, fmt, capsys) == expected


@pytest.mark.parametrize("fmt", ["simple", "table", "json"])
def test_status_matches_etcdctl_34(fmt: str, tls_snapshot: Path, bulk_snapshot: Path,
                                   etcd_binaries: EtcdBinaries, capsys: pytest.CaptureFixture[str]) -> None:
    for path in (tls_snapshot, bulk_snapshot):
        expected = real_status(etcd_binaries.etcdctl34.argv, path, fmt)
        assert kubehop_status(path, fmt, capsys) == expected


def test_bulk_snapshot_has_branch_and_overflow_pages(bulk_snapshot: Path) -> None:
    with BoltFile(bulk_snapshot) as bolt:
        root, _inline = bolt.bucket(b"key") or (0, -1)
        assert root != 0
        header = bolt.mm[root * bolt.page_size + 8]
        assert header == 0x01, "the key bucket's root should be a branch page"
        overflow = [p for p in bolt.leaf_pages(root) if
                    int.from_bytes(bolt.mm[p.offset + 12 : p.offset + 16], "little") > 0]
        assert overflow, "the 20 kB values should sit on overflow pages"
        status = snapshot_status(bolt)
        assert status.total_size == bolt.meta.pgid * bolt.page_size


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 B"), (9, "9 B"), (10, "10 B"), (999, "999 B"), (1000, "1.0 kB"), (20480, "20 kB"),
    (24576, "25 kB"), (1077248, "1.1 MB"), (9949999, "9.9 MB"), (9950000, "10 MB"), (1_073_741_824, "1.1 GB"),
])
def test_humanize_bytes_like_go_humanize(size: int, text: str) -> None:
    assert humanize_bytes(size) == text
