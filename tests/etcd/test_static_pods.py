"""Finding, parking and putting back static pod manifests; waiting for etcd's ports to free."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.errors import EtcdError, UsageError
from kubehop.etcd.plan import ClusterSpec, MemberSpec, build_plan, cluster_from_mapping
from kubehop.etcd.static_pods import ManifestMover, find_static_pods, park, unpark, wait_stopped
from kubehop.model import ExitCode
from tests.etcd.conftest import Snapshots
from tests.etcd.kubelet_sim import write_manifests
from tests.fixtures.etcd import EtcdBinaries, free_ports


def spec_for(root: Path, names: tuple[str, ...] = ("a",)) -> ClusterSpec:
    return ClusterSpec(tuple(MemberSpec(n, f"http://127.0.0.1:{p}", str(root / n / "data"))
                             for n, p in zip(names, free_ports(len(names)), strict=True)),
                       manifests_dir=str(root / "{name}" / "manifests"))


def test_no_manifests_means_no_static_pods(tmp_path: Path) -> None:
    spec = spec_for(tmp_path)
    assert find_static_pods(spec, spec.members, "S") == ()
    (tmp_path / "a" / "manifests").mkdir(parents=True)
    (tmp_path / "a" / "manifests" / "kube-apiserver.yaml").write_text("{}")  # etcd itself is not a static pod
    assert find_static_pods(spec, spec.members, "S") == ()


def test_park_and_put_back_in_order(tmp_path: Path) -> None:
    spec = spec_for(tmp_path)
    manifests = tmp_path / "a" / "manifests"
    write_manifests(manifests, "a")
    manifests.chmod(0o700)
    (pods,) = find_static_pods(spec, spec.members, "20260101T000000Z")
    assert pods.parked_dir == tmp_path / "a" / "manifests.kubehop-old-20260101T000000Z"
    mover = ManifestMover()
    assert park(pods, mover) == ["kube-apiserver.yaml", "etcd.yaml"]
    assert list(manifests.iterdir()) == [] and pods.parked_dir.stat().st_mode & 0o777 == 0o700
    # an interrupted run's parked manifests are found again, under their old stamp
    (again,) = find_static_pods(spec, spec.members, "20270101T000000Z")
    assert again.parked_dir == pods.parked_dir
    assert unpark(again, "etcd.yaml", ManifestMover())
    assert [p.name for p in manifests.iterdir()] == ["etcd.yaml"] and pods.parked_dir.is_dir()
    assert unpark(again, "kube-apiserver.yaml", ManifestMover())
    assert not pods.parked_dir.exists()  # emptied: removed; nothing else was in it
    assert sorted(p.name for p in manifests.iterdir()) == ["etcd.yaml", "kube-apiserver.yaml"]


def test_undo_puts_back_what_this_run_moved(tmp_path: Path) -> None:
    spec = spec_for(tmp_path)
    manifests = tmp_path / "a" / "manifests"
    write_manifests(manifests, "a")
    (pods,) = find_static_pods(spec, spec.members, "S")
    mover = ManifestMover()
    park(pods, mover)
    assert sorted(mover.undo()) == [str(manifests / "etcd.yaml"), str(manifests / "kube-apiserver.yaml")]
    assert sorted(p.name for p in manifests.iterdir()) == ["etcd.yaml", "kube-apiserver.yaml"]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["manifests"]


def test_two_copies_are_refused(tmp_path: Path) -> None:
    spec = spec_for(tmp_path)
    manifests = tmp_path / "a" / "manifests"
    write_manifests(manifests, "a")
    write_manifests(tmp_path / "a" / "manifests.kubehop-old-X", "a")
    with pytest.raises(UsageError, match=r"member a: kube-apiserver\.yaml is both in .* and in .*manifests\.kubehop-old-X"):
        find_static_pods(spec, spec.members, "S")
    write_manifests(tmp_path / "a" / "manifests.kubehop-old-Y", "a")
    (manifests / "etcd.yaml").unlink()
    with pytest.raises(UsageError, match="parked in several places"):
        find_static_pods(spec, spec.members, "S")


def test_wait_stopped_names_the_member(tmp_path: Path) -> None:
    spec = spec_for(tmp_path)
    port = int(spec.members[0].peer_url.rsplit(":", 1)[1])
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen()
        with pytest.raises(EtcdError, match=f"member a: something still listens on 127.0.0.1:{port} 0.3s after"):
            wait_stopped(spec.members, 0.3)
    wait_stopped(spec.members, 0.3)  # closed: returns at once


def test_per_member_manifests_dir_in_cluster_file_and_plan() -> None:
    spec = cluster_from_mapping({"manifestsDir": "/etc/kubernetes/manifests/", "members": [
        {"name": "a", "peerURL": "http://h1:2380", "dataDir": "/d"},
        {"name": "b", "peerURL": "http://h2:2380", "dataDir": "/d", "manifestsDir": "/srv/b/manifests"}]}, "f")
    assert [spec.manifests_for(m) for m in spec.members] == ["/etc/kubernetes/manifests", "/srv/b/manifests"]
    commands = [c for step in build_plan(spec, "s.db", "S") if step.member == "b" for c in step.commands]
    assert "mv /srv/b/manifests.kubehop-old-S/etcd.yaml /srv/b/manifests/" in commands


def test_no_static_pods_refuses_a_running_etcd_and_moves_nothing(
    k8s_snapshots: Snapshots, etcd_binaries: EtcdBinaries, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    spec = spec_for(tmp_path)
    write_manifests(tmp_path / "a" / "manifests", "a")
    port = int(spec.members[0].peer_url.rsplit(":", 1)[1])
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen()
        code = main(["etcd", "restore", str(k8s_snapshots.old), "--member", f"a={spec.members[0].peer_url}",
                     "--data-dir", str(tmp_path / "{name}" / "data"), "--manifests-dir",
                     str(tmp_path / "{name}" / "manifests"), "--etcdutl", etcd_binaries.etcdutl35.argv[0],
                     "--no-static-pods", "--wait", "0", "--yes"])
    assert code == ExitCode.ERROR
    assert f"member a: something still listens on 127.0.0.1:{port}; stop etcd" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["manifests"]
    assert sorted(p.name for p in (tmp_path / "a" / "manifests").iterdir()) == ["etcd.yaml", "kube-apiserver.yaml"]
