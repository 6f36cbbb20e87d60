"""`kubehop etcd restore`: all three members restored from one snapshot, old data moved aside, then the
members are started (as kubelet would) and their health and keyspace hash are checked."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.mvcc import hash_kv, latest_state
from kubehop.model import ExitCode
from tests.etcd.conftest import Snapshots
from tests.fixtures.etcd import EtcdBinaries, EtcdCluster, EtcdMember, free_ports

pytestmark = pytest.mark.etcd


def new_members(root: Path, count: int = 3) -> list[EtcdMember]:
    ports = free_ports(2 * count)
    return [EtcdMember(f"r{i + 1}", f"http://127.0.0.1:{ports[2 * i]}", f"http://127.0.0.1:{ports[2 * i + 1]}",
                       root / f"r{i + 1}" / "data") for i in range(count)]


def member_flags(members: list[EtcdMember]) -> list[str]:
    flags = []
    for m in members:
        flags += ["--member", f"{m.name}={m.peer_url},{m.client_url}"]
    return flags


def start_when_restored(cluster: EtcdCluster, stop: threading.Event) -> threading.Thread:
    """Play kubelet: start the members once every restored data dir is in place."""
    def run() -> None:
        while not stop.is_set():
            if all((m.data_dir / "member" / "snap" / "db").is_file() for m in cluster.members):
                cluster.start(timeout=60)
                return
            time.sleep(0.05)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("version", ["3.5", "3.4"])
def test_restore_three_members_and_check_live_hashes(
    version: str, k8s_snapshots: Snapshots, tls_snapshot: Path, etcd_binaries: EtcdBinaries, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    snapshot = k8s_snapshots.new if version == "3.5" else tls_snapshot
    members = new_members(tmp_path)
    for m in members:  # the data each member had before: must survive, moved aside
        (m.data_dir / "member").mkdir(parents=True)
        (m.data_dir / "member" / "marker").write_text(f"old data of {m.name}")
    server = etcd_binaries.etcd35 if version == "3.5" else etcd_binaries.etcd34
    cluster = EtcdCluster(server, tmp_path, token="restored", members=members)
    stop = threading.Event()
    starter = start_when_restored(cluster, stop)
    tools = (["--etcdutl", etcd_binaries.etcdutl35.argv[0], "--etcdctl", etcd_binaries.etcdctl35.argv[0]]
             if version == "3.5" else ["--etcdctl", etcd_binaries.etcdctl34.argv[0]])
    try:
        code = main(["etcd", "restore", str(snapshot), *member_flags(members), "--data-dir",
                     str(tmp_path / "{name}" / "data"), "--token", "restored", "--etcd-version", version,
                     *tools, "--no-static-pods", "--wait", "60", "--yes"])
        out = capsys.readouterr().out
        starter.join(60)
        assert code == ExitCode.OK, out
        with BoltFile(snapshot) as bolt:
            expected = hash_kv(bolt)
            keys = len(latest_state(bolt))
        assert out.count("(matches)") == 6, out
        for m in members:
            assert f"{m.client_url}: healthy, hashkv {expected.hash}" in out
            aside = list(m.data_dir.parent.glob("data.kubehop-old-*"))
            assert len(aside) == 1 and (aside[0] / "member" / "marker").read_text() == f"old data of {m.name}"
            assert not list(m.data_dir.parent.glob("*.kubehop-new"))
        # the restored cluster serves the snapshot's keys
        answer = cluster.request(members[1], "/v3/kv/range",
                                 {"key": "AA==", "range_end": "AA==", "count_only": True})
        assert int(answer["count"]) == keys
    finally:
        stop.set()
        cluster.stop()


def test_restore_requires_yes(k8s_snapshots: Snapshots, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    members = new_members(tmp_path, 1)
    code = main(["etcd", "restore", str(k8s_snapshots.old), *member_flags(members), "--data-dir",
                 str(tmp_path / "{name}"), "--wait", "0"])
    assert code == ExitCode.ERROR and "--yes" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_corrupt_snapshot_leaves_data_untouched(k8s_snapshots: Snapshots, etcd_binaries: EtcdBinaries,
                                                tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.db"
    data = bytearray(k8s_snapshots.old.read_bytes())
    data[5000] ^= 0x55
    bad.write_bytes(bytes(data))
    members = new_members(tmp_path, 1)
    members[0].data_dir.mkdir(parents=True)
    (members[0].data_dir / "keep").write_text("x")
    code = main(["etcd", "restore", str(bad), *member_flags(members), "--data-dir", str(tmp_path / "{name}" / "data"),
                 "--etcdutl", etcd_binaries.etcdutl35.argv[0], "--no-static-pods", "--wait", "0", "--yes"])
    assert code == ExitCode.ERROR
    assert f"{bad}: SHA-256 mismatch" in capsys.readouterr().err
    assert sorted(p.name for p in members[0].data_dir.parent.iterdir()) == ["data"]
    assert (members[0].data_dir / "keep").read_text() == "x"


def test_offline_restore_without_live_check_is_rerunnable(k8s_snapshots: Snapshots, etcd_binaries: EtcdBinaries,
                                                          tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    members = new_members(tmp_path, 1)
    args = ["etcd", "restore", str(k8s_snapshots.old), *member_flags(members), "--data-dir",
            str(tmp_path / "{name}" / "data"), "--etcdutl", etcd_binaries.etcdutl35.argv[0], "--no-static-pods",
            "--wait", "0", "--yes"]
    assert main(args) == ExitCode.OK
    assert "live check skipped" in capsys.readouterr().out
    assert main(args) == ExitCode.OK  # the first restore's result is moved aside, not deleted
    assert len(list(members[0].data_dir.parent.glob("data.kubehop-old-*"))) == 1


def test_only_unknown_member(k8s_snapshots: Snapshots, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["etcd", "restore", str(k8s_snapshots.old), "--member", "a=http://127.0.0.1:1", "--only", "zz",
                 "--yes", "--wait", "0"])
    assert code == ExitCode.ERROR and "no member named zz" in capsys.readouterr().err


def test_running_member_is_refused(k8s_snapshots: Snapshots, etcd_binaries: EtcdBinaries, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    members = new_members(tmp_path, 1)
    members[0].data_dir.mkdir(parents=True)
    port = int(members[0].peer_url.rsplit(":", 1)[1])
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen()
        code = main(["etcd", "restore", str(k8s_snapshots.old), *member_flags(members), "--data-dir",
                     str(tmp_path / "{name}" / "data"), "--manifests-dir", str(tmp_path / "empty-manifests"),
                     "--etcdutl", etcd_binaries.etcdutl35.argv[0], "--wait", "0", "--yes"])
    assert code == ExitCode.ERROR
    err = capsys.readouterr().err
    assert f"member r1: something still listens on 127.0.0.1:{port}; stop etcd before restoring" in err
    assert "`systemctl stop etcd`" in err
    assert [p.name for p in members[0].data_dir.parent.iterdir()] == ["data"]
