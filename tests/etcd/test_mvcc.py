"""mvcc decoding and the offline HashKV, checked against the live etcd members."""

from __future__ import annotations

import json
import subprocess

import pytest

from kubehop.errors import SnapshotError
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.mvcc import decode_key_value, hash_kv, latest_state, parse_revision, revision_of, value_of
from tests.etcd.conftest import Snapshots
from tests.fixtures.etcd import EtcdBinaries, EtcdCluster

pytestmark = pytest.mark.etcd


def live_hashkv(etcdctl: tuple[str, ...], cluster: EtcdCluster, revision: int) -> list[int]:
    done = subprocess.run([*etcdctl, *cluster.connection_flags(), "endpoint", "hashkv", f"--rev={revision}",
                           "-w", "json"], capture_output=True, text=True, check=True, env={"ETCDCTL_API": "3"})
    return [int(entry["HashKV"]["hash"]) for entry in json.loads(done.stdout)]


def test_offline_hashkv_equals_every_members_hashkv(k8s_snapshots: Snapshots, etcd_cluster: EtcdCluster,
                                                    etcd_binaries: EtcdBinaries) -> None:
    for path, revision in ((k8s_snapshots.old, k8s_snapshots.old_revision),
                           (k8s_snapshots.new, k8s_snapshots.new_revision)):
        with BoltFile(path) as bolt:
            offline = hash_kv(bolt)
        assert offline.revision == revision
        assert live_hashkv(etcd_binaries.etcdctl35.argv, etcd_cluster, revision) == [offline.hash] * 3


def test_hashkv_at_an_older_revision(k8s_snapshots: Snapshots) -> None:
    with BoltFile(k8s_snapshots.new) as bolt:
        at_old = hash_kv(bolt, k8s_snapshots.old_revision)
    with BoltFile(k8s_snapshots.old) as bolt:
        assert at_old.hash == hash_kv(bolt).hash


def test_latest_state_drops_deleted_keys_and_keeps_newest_value(k8s_snapshots: Snapshots) -> None:
    with BoltFile(k8s_snapshots.old) as bolt:
        live = latest_state(bolt)
        assert b"/registry/pods/default/gone" not in live
        app = live[b"/registry/configmaps/default/app-config"]
        assert b"green" in value_of(bolt, app) and b"blue" not in value_of(bolt, app)
        assert revision_of(app) == k8s_snapshots.old_revision - 2  # then the pod was created and deleted
    with BoltFile(k8s_snapshots.new) as bolt:
        assert b"/registry/configmaps/default/to-delete" not in latest_state(bolt)


def test_revision_keys() -> None:
    raw = (5).to_bytes(8, "big") + b"_" + (2).to_bytes(8, "big")
    assert parse_revision(raw) == parse_revision(raw)
    assert (parse_revision(raw).main, parse_revision(raw).sub, parse_revision(raw).tombstone) == (5, 2, False)
    assert parse_revision(raw + b"t").tombstone
    with pytest.raises(SnapshotError):
        parse_revision(raw[:-1])


def test_tombstone_value_is_key_only() -> None:
    kv = decode_key_value(bytes.fromhex("0a026b32"))
    assert kv.key == b"k2" and kv.value == b"" and kv.mod_revision == 0
