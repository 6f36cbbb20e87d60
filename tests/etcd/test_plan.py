"""Restore plans: same snapshot, --initial-cluster and token on every member; etcdutl for 3.5+, etcdctl for 3.4."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.errors import UsageError
from kubehop.etcd.plan import ClusterSpec, MemberSpec, build_plan, members_from_flags, restore_argv
from kubehop.model import ExitCode

CLUSTER_YAML = """\
token: prod-restore
etcdVersion: "3.4"
members:
  - {name: cp1, peerURL: "https://10.0.0.1:2380", dataDir: /var/lib/etcd, walDir: /var/lib/etcd-wal}
  - {name: cp2, peerURL: "https://10.0.0.2:2380", dataDir: /var/lib/etcd}
  - {name: cp3, peerURL: "https://10.0.0.3:2380", dataDir: /var/lib/etcd}
"""


def test_restore_command_35_uses_etcdutl() -> None:
    spec = ClusterSpec(members_from_flags(["a=http://h1:2380", "b=http://h2:2380"], "/data/{name}"), token="t")
    assert restore_argv(spec, spec.members[1], "/snap.db") == [
        "etcdutl", "snapshot", "restore", "/snap.db", "--name=b",
        "--initial-cluster=a=http://h1:2380,b=http://h2:2380", "--initial-cluster-token=t",
        "--initial-advertise-peer-urls=http://h2:2380", "--data-dir=/data/b.kubehop-new",
    ]


def test_restore_command_34_uses_etcdctl_and_wal_dir() -> None:
    spec = ClusterSpec((MemberSpec("a", "http://h1:2380", "/d", "/w"),), etcd_version="3.4.23", bump_revision=10**9)
    argv = restore_argv(spec, spec.members[0], "s.db")
    assert argv[:3] == ["etcdctl", "snapshot", "restore"]
    assert "--wal-dir=/w.kubehop-new" in argv and "--bump-revision=1000000000" in argv and "--mark-compacted" in argv


def test_markdown_plan_from_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cluster = tmp_path / "cluster.yaml"
    cluster.write_text(CLUSTER_YAML)
    assert main(["etcd", "restore-plan", "/backups/pre-upgrade.db", "--cluster-file", str(cluster)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# etcd restore plan: 3 members from `/backups/pre-upgrade.db`")
    assert "restore with etcdctl (ETCDCTL_API=3)" in out
    initial = "--initial-cluster=cp1=https://10.0.0.1:2380,cp2=https://10.0.0.2:2380,cp3=https://10.0.0.3:2380"
    assert out.count(initial) == 3 and out.count("--initial-cluster-token=prod-restore") == 3
    assert "mv /var/lib/etcd-wal /var/lib/etcd-wal.kubehop-old-" in out
    assert "On member cp2:" in out and "On every member (cp1, cp2, cp3):" in out
    assert "kube-apiserver.yaml" in out and "endpoint hashkv" in out
    assert " rm " not in out


def test_shell_plan_from_flags_is_valid_sh(tmp_path: Path) -> None:
    script = tmp_path / "restore.sh"
    assert main(["etcd", "restore-plan", "snap shot.db", "--member", "m1=http://127.0.0.1:2380",
                 "--data-dir", "/var/lib/etcd-{name}", "-o", "shell", "--output-file", str(script)]) == 0
    text = script.read_text()
    assert text.startswith("#!/bin/sh\n") and "set -eu" in text
    assert "etcdutl snapshot restore 'snap shot.db' --name=m1" in text
    assert "--data-dir=/var/lib/etcd-m1.kubehop-new" in text
    assert 'etcdctl --endpoints="${ETCDCTL_ENDPOINTS:?' in text and "<" not in text
    import subprocess

    subprocess.run(["sh", "-n", str(script)], check=True)
    assert script.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(("members", "message"), [
    ([], "no members"),
    (["bad name=http://h:2380"], "invalid member name"),
    (["a=h:2380"], "is not a URL"),
    (["a=http://h:2380", "a=http://g:2380"], "duplicate member names"),
    (["a"], "expected NAME=PEER_URL"),
])
def test_bad_cluster_flags(members: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        ClusterSpec(members_from_flags(members, "/d"))


def test_bad_cluster_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cluster = tmp_path / "c.yaml"
    cluster.write_text("members:\n  - {name: a}\n")
    assert main(["etcd", "restore-plan", "s.db", "--cluster-file", str(cluster)]) == ExitCode.ERROR
    assert f"{cluster}: members[0] lacks peerURL, dataDir" in capsys.readouterr().err


def test_plan_steps_order() -> None:
    spec = ClusterSpec(members_from_flags(["a=http://h1:2380,http://h1:2379"], "/d"))
    titles = [s.title.split(" ")[0] for s in build_plan(spec, "s.db", "T")]
    assert titles == ["Verify", "Stop", "Restore", "Start", "Check", "Start"]
