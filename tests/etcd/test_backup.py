"""`kubehop etcd backup` through the real etcdctl 3.4 and 3.5, with and without TLS."""

from __future__ import annotations

import json
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.etcd.verify import verify_snapshot
from kubehop.model import ExitCode
from tests.fixtures.etcd import EtcdBinaries, EtcdCluster, free_ports

pytestmark = pytest.mark.etcd


def tool_flags(cluster: EtcdCluster, etcdctl: str) -> list[str]:
    return [*cluster.connection_flags(), "--etcdctl", etcdctl]


def check_backup(out: Path, cluster: EtcdCluster, etcd_binaries: EtcdBinaries, server: str) -> None:
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    sidecar = out.with_name(out.name + ".meta.json")
    assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600
    record = json.loads(sidecar.read_text())
    assert sorted(m["name"] for m in record["members"]) == ["m1", "m2", "m3"]
    assert record["serverVersion"].startswith(server)
    assert record["clusterVersion"].startswith(server)  # read from the snapshot's cluster bucket
    assert verify_snapshot(out).sidecar_matches
    assert all(h["healthy"] for h in record["health"])
    import hashlib

    assert record["sha256"] == hashlib.sha256(out.read_bytes()[:-32]).hexdigest()
    real = subprocess.run([*etcd_binaries.etcdutl35.argv, "snapshot", "status", str(out), "-w", "json"],
                          capture_output=True, text=True, check=True)
    status = json.loads(real.stdout)
    assert (record["hash"], record["revision"], record["totalKeys"]) == (
        status["hash"], status["revision"], status["totalKey"])
    assert not [p for p in out.parent.iterdir() if "part" in p.name or p.name.endswith(".tmp")]


@pytest.mark.parametrize("client", ["etcdctl35", "etcdctl34"])
def test_backup_plain_cluster(client: str, etcd_cluster: EtcdCluster, etcd_binaries: EtcdBinaries,
                              tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "backup.db"
    etcdctl = getattr(etcd_binaries, client).argv[0]
    assert main(["etcd", "backup", str(out), *tool_flags(etcd_cluster, etcdctl)]) == ExitCode.OK
    assert "verified" in capsys.readouterr().out
    check_backup(out, etcd_cluster, etcd_binaries, "3.5")


@pytest.mark.parametrize("client", ["etcdctl35", "etcdctl34"])
def test_backup_tls_cluster(client: str, etcd_tls_cluster: EtcdCluster, etcd_binaries: EtcdBinaries,
                            tmp_path: Path) -> None:
    out = tmp_path / "backup.db"
    etcdctl = getattr(etcd_binaries, client).argv[0]
    assert main(["etcd", "backup", str(out), *tool_flags(etcd_tls_cluster, etcdctl)]) == ExitCode.OK
    check_backup(out, etcd_tls_cluster, etcd_binaries, "3.4")


def test_backup_honours_etcdctl_environment(etcd_tls_cluster: EtcdCluster, etcd_binaries: EtcdBinaries,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert etcd_tls_cluster.tls is not None
    monkeypatch.setenv("ETCDCTL_ENDPOINTS", etcd_tls_cluster.members[1].client_url)
    monkeypatch.setenv("ETCDCTL_CACERT", etcd_tls_cluster.tls.ca)
    monkeypatch.setenv("ETCDCTL_CERT", etcd_tls_cluster.tls.client_cert)
    monkeypatch.setenv("ETCDCTL_KEY", etcd_tls_cluster.tls.client_key)
    monkeypatch.setenv("KUBEHOP_ETCDCTL", etcd_binaries.etcdctl35.argv[0])
    out = tmp_path / "env.db"
    assert main(["etcd", "backup", str(out)]) == ExitCode.OK
    record = json.loads(out.with_name("env.db.meta.json").read_text())
    assert record["endpoint"] == etcd_tls_cluster.members[1].client_url


def test_tls_cluster_without_client_certificate_fails_cleanly(etcd_tls_cluster: EtcdCluster,
                                                              etcd_binaries: EtcdBinaries, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.db"
    args = ["etcd", "backup", str(out), "--endpoints", etcd_tls_cluster.members[0].client_url,
            "--etcdctl", etcd_binaries.etcdctl35.argv[0], "--timeout", "2"]
    assert main(args) == ExitCode.ERROR
    err = capsys.readouterr().err
    assert "kubehop: error: cluster has no quorum" in err and "member list" in err
    assert list(tmp_path.iterdir()) == []


def test_existing_output_is_never_overwritten(etcd_cluster: EtcdCluster, etcd_binaries: EtcdBinaries,
                                              tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "keep.db"
    out.write_bytes(b"precious")
    assert main(["etcd", "backup", str(out), *tool_flags(etcd_cluster, etcd_binaries.etcdctl35.argv[0])]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"precious"


@pytest.fixture(scope="module")
def degraded_cluster(etcd_binaries: EtcdBinaries, tmp_path_factory: pytest.TempPathFactory
                     ) -> Iterator[EtcdCluster]:
    """Three members of which m3 is stopped: quorum holds, but one member is down."""
    cluster = EtcdCluster(etcd_binaries.etcd35, tmp_path_factory.mktemp("degraded")).start()
    down = cluster.members[2].process
    assert down is not None
    down.terminate()
    down.wait(10)
    yield cluster
    cluster.stop()


def test_unhealthy_member_refused_unless_forced(degraded_cluster: EtcdCluster, etcd_binaries: EtcdBinaries,
                                               tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flags = [*tool_flags(degraded_cluster, etcd_binaries.etcdctl35.argv[0]), "--timeout", "2"]
    out = tmp_path / "degraded.db"
    assert main(["etcd", "backup", str(out), *flags]) == ExitCode.ERROR
    err = capsys.readouterr().err
    assert "unhealthy members" in err and degraded_cluster.members[2].client_url in err and "--force" in err
    assert not out.exists()
    assert main(["etcd", "backup", str(out), *flags, "--force"]) == ExitCode.OK
    assert "kubehop: warning: unhealthy members" in capsys.readouterr().err  # warnings go to stderr
    assert json.loads(out.with_name("degraded.db.meta.json").read_text())["warnings"]


def test_no_reachable_member(etcd_binaries: EtcdBinaries, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = free_ports(1)[0]
    out = tmp_path / "none.db"
    assert main(["etcd", "backup", str(out), "--endpoints", f"http://127.0.0.1:{port}",
                 "--etcdctl", etcd_binaries.etcdctl35.argv[0], "--timeout", "2"]) == ExitCode.ERROR
    assert f"kubehop: error: cluster has no quorum: unhealthy members http://127.0.0.1:{port}" in \
        capsys.readouterr().err
    assert not out.exists()


def test_verify_compares_the_backup_record(etcd_cluster: EtcdCluster, etcd_binaries: EtcdBinaries, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rec.db"
    assert main(["etcd", "backup", str(out), *tool_flags(etcd_cluster, etcd_binaries.etcdctl35.argv[0])]) == 0
    capsys.readouterr()
    assert main(["etcd", "verify", str(out)]) == ExitCode.OK
    assert "SHA-256 trailer matches and the backup record" in capsys.readouterr().out
    sidecar = out.with_name("rec.db.meta.json")
    record = json.loads(sidecar.read_text())
    record["sha256"] = "0" * 64
    sidecar.write_text(json.dumps(record))
    assert main(["etcd", "verify", str(out)]) == ExitCode.ERROR
    assert f"recorded in {sidecar} at backup time" in capsys.readouterr().err


def test_named_binary_that_is_not_etcdctl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["etcd", "backup", str(tmp_path / "x.db"), "--endpoints", "http://127.0.0.1:1",
                 "--etcdctl", "/bin/true"]) == ExitCode.ERROR
    assert "/bin/true: not a working etcdctl" in capsys.readouterr().err


def test_no_quorum_refused_unless_forced(degraded_cluster: EtcdCluster, etcd_binaries: EtcdBinaries,
                                         tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Runs last in this module: stops a second member, leaving one of three."""
    revision = degraded_cluster.put(b"/registry/secrets/default/rescued", b"k8s\x00")
    second = degraded_cluster.members[1].process
    assert second is not None
    second.kill()
    second.wait(10)
    flags = [*tool_flags(degraded_cluster, etcd_binaries.etcdctl35.argv[0]), "--timeout", "2"]
    out = tmp_path / "rescue.db"
    assert main(["etcd", "backup", str(out), *flags]) == ExitCode.ERROR
    assert "cluster has no quorum" in capsys.readouterr().err
    assert not out.exists()
    assert main(["etcd", "backup", str(out), *flags, "--force"]) == ExitCode.OK
    captured = capsys.readouterr()
    assert "warning: cluster has no quorum" in captured.err
    assert f"from {degraded_cluster.members[0].client_url}" in captured.out
    assert verify_snapshot(out).revision == revision
