"""`kubehop etcd restore` through static pods: a simulated kubelet runs each member's real etcd 3.5 from the
etcd.yaml in that member's manifests dir, so the restore must stop etcd and kube-apiserver by moving their
manifests, and start them again in order (etcd, checks, then kube-apiserver)."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.errors import EtcdError
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.mvcc import hash_kv, latest_state
from kubehop.etcd.plan import ClusterSpec, MemberSpec
from kubehop.etcd.restore_host import restore_on_host
from kubehop.model import ExitCode
from tests.etcd.conftest import Snapshots
from tests.etcd.kubelet_sim import KubeletSimulator, write_manifests
from tests.etcd.test_restore import member_flags, new_members
from tests.fixtures.etcd import EtcdBinaries, EtcdCluster, free_ports

pytestmark = pytest.mark.etcd

LATE_KEY = b"/registry/configmaps/default/written-after-the-snapshot"


def static_pod_cluster(root: Path, etcd: str, count: int) -> tuple[EtcdCluster, dict[str, Path]]:
    members = new_members(root, count)
    cluster = EtcdCluster(etcd, root, token="before-restore", members=members)
    dirs = {m.name: root / m.name / "manifests" for m in members}
    for m in members:
        write_manifests(dirs[m.name], m.name)
    return cluster, dirs


def restore_args(snapshot: Path, cluster: EtcdCluster, root: Path, binaries: EtcdBinaries, *extra: str) -> list[str]:
    return ["etcd", "restore", str(snapshot), *member_flags(cluster.members),
            "--data-dir", str(root / "{name}" / "data"), "--manifests-dir", str(root / "{name}" / "manifests"),
            "--token", "restored", "--etcdutl", binaries.etcdutl35.argv[0], "--etcdctl", binaries.etcdctl35.argv[0],
            "--stop-timeout", "30", "--wait", "60", *extra, "--yes"]


def key_count(cluster: EtcdCluster) -> int:
    answer = cluster.request(cluster.members[-1], "/v3/kv/range", {"key": "AA==", "range_end": "AA==",
                                                                   "count_only": True})
    return int(answer.get("count", 0))


def assert_restored(snapshot: Path, cluster: EtcdCluster, dirs: dict[str, Path], out: str, old_copies: int) -> None:
    with BoltFile(snapshot) as bolt:
        expected, keys = hash_kv(bolt), len(latest_state(bolt))
    assert out.count("(matches)") == 6, out
    for m in cluster.members:
        assert f"{m.client_url}: healthy, hashkv {expected.hash} at revision {expected.revision} (matches)" in out
        manifests = dirs[m.name]
        assert sorted(p.name for p in manifests.iterdir()) == ["etcd.yaml", "kube-apiserver.yaml"]
        assert not list(manifests.parent.glob("manifests.kubehop-old-*")), out  # emptied and removed
        aside = list(m.data_dir.parent.glob("data.kubehop-old-*"))
        assert len(aside) == old_copies and all((a / "member" / "snap" / "db").is_file() for a in aside)
    assert key_count(cluster) == keys  # the key written after the snapshot is gone


def test_static_pod_restore_of_three_members(k8s_snapshots: Snapshots, etcd_binaries: EtcdBinaries,
                                             tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cluster, dirs = static_pod_cluster(tmp_path, etcd_binaries.etcd35, 3)
    with KubeletSimulator(cluster, dirs) as kubelet:
        cluster.wait_healthy(30)
        cluster.put(LATE_KEY, b"late")
        code = main(restore_args(k8s_snapshots.new, cluster, tmp_path, etcd_binaries))
        out = capsys.readouterr().out
        assert code == ExitCode.OK, out
        assert_restored(k8s_snapshots.new, cluster, dirs, out, old_copies=1)
        kubelet.settle()
        names = [m.name for m in cluster.members]
        stopped = [kubelet.index("stop etcd", n) for n in names]
        restarted = [kubelet.index("start etcd", n, after=s) for n, s in zip(names, stopped, strict=True)]
        apiserver_down = [kubelet.index("stop apiserver", n) for n in names]
        apiserver_back = [kubelet.index("start apiserver", n, after=d) for n, d in zip(names, apiserver_down,
                                                                                        strict=True)]
        assert min(stopped) >= 0 and min(apiserver_down) >= 0, kubelet.events
        # every etcd is stopped before any restarts; kube-apiserver only once all are back and checked
        assert max(stopped) < min(restarted) and max(restarted) < min(apiserver_back), kubelet.events
        assert f"moved kube-apiserver.yaml, etcd.yaml to {dirs['r1']}.kubehop-old-" in out


def test_port_that_never_frees_puts_the_manifests_back(k8s_snapshots: Snapshots, etcd_binaries: EtcdBinaries,
                                                        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cluster, dirs = static_pod_cluster(tmp_path, etcd_binaries.etcd35, 1)
    with KubeletSimulator(cluster, dirs, stuck=True) as kubelet:
        cluster.wait_healthy(30)
        cluster.put(LATE_KEY, b"late")
        before = sorted(p.name for p in (tmp_path / "r1").iterdir())
        args = restore_args(k8s_snapshots.new, cluster, tmp_path, etcd_binaries)
        args[args.index("--stop-timeout") + 1] = "1"
        code = main(args)
        captured = capsys.readouterr()
        assert code == ExitCode.ERROR
        peer = cluster.members[0].peer_url.removeprefix("http://")
        assert f"member r1: something still listens on {peer} 1s after its etcd manifest was moved away" in \
            captured.err
        assert f"not restored: put kube-apiserver.yaml, etcd.yaml back into {dirs['r1']};" in captured.out
        assert sorted(p.name for p in dirs["r1"].iterdir()) == ["etcd.yaml", "kube-apiserver.yaml"]
        assert sorted(p.name for p in (tmp_path / "r1").iterdir()) == before == ["data", "manifests"]
        # the same etcd, never stopped, still has its data
        late = cluster.request(cluster.members[0], "/v3/kv/range", {"key": base64.b64encode(LATE_KEY).decode()})
        assert late["count"] == "1"
        kubelet.settle()
        assert kubelet.events[-2:] == [("stop apiserver", "r1"), ("start apiserver", "r1")], kubelet.events


def test_corrupt_snapshot_stops_nothing(k8s_snapshots: Snapshots, etcd_binaries: EtcdBinaries, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.db"
    data = bytearray(k8s_snapshots.new.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad.write_bytes(bytes(data))
    cluster, dirs = static_pod_cluster(tmp_path / "c", etcd_binaries.etcd35, 1)
    with KubeletSimulator(cluster, dirs) as kubelet:
        cluster.wait_healthy(30)
        code = main(restore_args(bad, cluster, tmp_path / "c", etcd_binaries))
        assert code == ExitCode.ERROR and f"{bad}: SHA-256 mismatch" in capsys.readouterr().err
        assert sorted(p.name for p in dirs["r1"].iterdir()) == ["etcd.yaml", "kube-apiserver.yaml"]
        assert sorted(p.name for p in (tmp_path / "c" / "r1").iterdir()) == ["data", "manifests"]
        assert kubelet.index("stop etcd", "r1") == -1 and kubelet.index("stop apiserver", "r1") == -1


@pytest.mark.parametrize("interrupted", ["while etcd stops", "before kube-apiserver is back"])
def test_rerun_after_an_interruption_converges(interrupted: str, k8s_snapshots: Snapshots,
                                               etcd_binaries: EtcdBinaries, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    cluster, dirs = static_pod_cluster(tmp_path, etcd_binaries.etcd35, 3)
    with KubeletSimulator(cluster, dirs) as kubelet:
        cluster.wait_healthy(30)
        cluster.put(LATE_KEY, b"late")
        # kubelet holds back, so the first run waits (for etcd to stop, or to be healthy): it is killed there
        if interrupted == "while etcd stops":
            kubelet.stuck = True
        else:
            kubelet.hold_starts = True
        args = restore_args(k8s_snapshots.new, cluster, tmp_path, etcd_binaries)
        with open(tmp_path / "first-run.log", "wb") as log:
            first = subprocess.Popen([sys.executable, "-m", "kubehop", *args], stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while not interruption_point(interrupted, tmp_path, dirs):
                assert first.poll() is None and time.monotonic() < deadline, (tmp_path / "first-run.log").read_text()
                time.sleep(0.02)
        finally:
            first.kill()
            first.wait()
        kubelet.stuck = kubelet.hold_starts = False
        parked = list(tmp_path.glob("r*/manifests.kubehop-old-*/kube-apiserver.yaml"))
        assert len(parked) == 3, (tmp_path / "first-run.log").read_text()  # the interrupted state
        code = main(args)
        out = capsys.readouterr().out
        assert code == ExitCode.OK, out
        found = "kube-apiserver.yaml, etcd.yaml" if interrupted == "while etcd stops" else "kube-apiserver.yaml"
        assert f"r2: {found} already in {dirs['r2']}.kubehop-old-" in out
        assert_restored(k8s_snapshots.new, cluster, dirs, out,
                        old_copies=1 if interrupted == "while etcd stops" else 2)


def interruption_point(interrupted: str, root: Path, dirs: dict[str, Path]) -> bool:
    if interrupted == "while etcd stops":
        return len(list(root.glob("r*/manifests.kubehop-old-*/etcd.yaml"))) == len(dirs)
    # the data is restored and etcd.yaml back: the first run waits for health, kube-apiserver.yaml still parked
    return all((d / "etcd.yaml").is_file() for d in dirs.values()) and \
        len(list(root.glob("r*/manifests.kubehop-old-*/kube-apiserver.yaml"))) == len(dirs)


def test_interrupt_while_waiting_puts_the_manifests_back(k8s_snapshots: Snapshots, etcd_binaries: EtcdBinaries,
                                                         tmp_path: Path) -> None:
    """Ctrl-C while kubelet has not yet stopped etcd: the manifests go back, nothing else changed."""
    spec = spec_with_manifests(tmp_path)
    port = int(spec.members[0].peer_url.rsplit(":", 1)[1])

    def interrupt(_: float) -> None:
        raise KeyboardInterrupt

    lines: list[str] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen()
        with pytest.raises(KeyboardInterrupt):
            restore_on_host(spec, k8s_snapshots.old, etcd_binaries.etcdutl35, spec.members, "S", live=None,
                            say=lines.append, sleep=interrupt)
    assert lines[-1] == f"  not restored: put kube-apiserver.yaml, etcd.yaml back into {tmp_path / 'a' / 'manifests'}; " \
        "kubelet starts them again on the old data"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["data", "manifests"]
    assert sorted(p.name for p in (tmp_path / "a" / "manifests").iterdir()) == ["etcd.yaml", "kube-apiserver.yaml"]


def test_unhealthy_after_restore_keeps_kube_apiserver_parked(k8s_snapshots: Snapshots,
                                                             etcd_binaries: EtcdBinaries, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    cluster, dirs = static_pod_cluster(tmp_path, etcd_binaries.etcd35, 1)
    with KubeletSimulator(cluster, dirs, max_starts=1):  # the restored etcd never comes up
        cluster.wait_healthy(30)
        args = restore_args(k8s_snapshots.new, cluster, tmp_path, etcd_binaries)
        args[args.index("--wait") + 1] = "1"
        args[-1:-1] = ["--timeout", "1"]  # etcdctl gives up on the dead member after 1s
        code = main(args)
        err = capsys.readouterr().err
        assert code == ExitCode.ERROR
        (parked,) = tmp_path.glob("r1/manifests.kubehop-old-*")
        assert f"restored members not healthy after 1s: {cluster.members[0].client_url}; kube-apiserver.yaml " \
               f"stays in {parked} (etcd is not healthy)" in err
        assert [p.name for p in dirs["r1"].iterdir()] == ["etcd.yaml"]
        assert [p.name for p in parked.iterdir()] == ["kube-apiserver.yaml"]
        assert len(list(tmp_path.glob("r1/data.kubehop-old-*"))) == 1  # restored; the old data kept aside


def spec_with_manifests(root: Path) -> ClusterSpec:
    (port,) = free_ports(1)
    (root / "a" / "data").mkdir(parents=True)
    write_manifests(root / "a" / "manifests", "a")
    return ClusterSpec((MemberSpec("a", f"http://127.0.0.1:{port}", str(root / "a" / "data")),),
                       manifests_dir=str(root / "{name}" / "manifests"))


def test_failed_rerun_leaves_an_earlier_runs_parked_manifests_parked(k8s_snapshots: Snapshots,
                                                                      etcd_binaries: EtcdBinaries,
                                                                      tmp_path: Path) -> None:
    spec = spec_with_manifests(tmp_path)
    manifests = tmp_path / "a" / "manifests"
    parked = tmp_path / "a" / "manifests.kubehop-old-20260101T000000Z"
    parked.mkdir()
    for name in ("kube-apiserver.yaml", "etcd.yaml"):
        (manifests / name).rename(parked / name)
    port = int(spec.members[0].peer_url.rsplit(":", 1)[1])
    lines: list[str] = []
    with socket.socket() as listener:  # etcd has not stopped yet
        listener.bind(("127.0.0.1", port))
        listener.listen()
        with pytest.raises(EtcdError, match="member a: something still listens"):
            restore_on_host(spec, k8s_snapshots.old, etcd_binaries.etcdutl35, spec.members, "S", live=None,
                            say=lines.append, stop_timeout=0.2)
    assert lines[1] == f"  a: kube-apiserver.yaml, etcd.yaml already in {parked} (an interrupted run); " \
        "waiting for etcd to stop"
    assert lines[-1] == f"  not restored: a: manifests stay in {parked}, where an earlier run put them"
    assert sorted(p.name for p in parked.iterdir()) == ["etcd.yaml", "kube-apiserver.yaml"]
    assert list(manifests.iterdir()) == [] and [p.name for p in (tmp_path / "a" / "data").iterdir()] == []
