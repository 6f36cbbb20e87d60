"""mvcc decoding and the offline HashKV, checked against the live etcd members."""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubehop.errors import SnapshotError
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.mvcc import (
    compact_revision,
    decode_key_value,
    hash_kv,
    latest_state,
    live_records,
    parse_revision,
    record_revision,
    revision_of,
    value_of,
)
from tests.etcd import k8s_values as kv
from tests.etcd.conftest import Snapshots, save_snapshot
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


@pytest.fixture(scope="module")
def compacted_history(etcd_binaries: EtcdBinaries, tmp_path_factory: pytest.TempPathFactory
                      ) -> Iterator[tuple[Path, dict[bytes, tuple[int, int]], int]]:
    """A snapshot with updates, deletions, re-created keys (new generations) on both sides of a compaction,
    and etcd's own view of the live keys: key -> (mod_revision, value length)."""
    root = tmp_path_factory.mktemp("compacted")
    cluster = EtcdCluster(etcd_binaries.etcd35, root, size=1).start()
    try:
        keys = [f"/registry/configmaps/ns-{i % 3}/cm-{i}".encode() for i in range(40)]
        cluster.txn(puts=[(k, kv.config_map(k.decode(), "ns", {"v": "1"})) for k in keys])
        for i in range(0, 40, 2):
            cluster.put(keys[i], kv.config_map("x", "ns", {"v": "2" * i}))  # version 2
        cluster.txn(deletes=keys[30:36])
        cluster.txn(puts=[(k, kv.config_map("again", "ns", {"v": "3"})) for k in keys[30:33]])  # new generation
        compacted = cluster.txn(deletes=[keys[5]])
        cluster.request(cluster.members[0], "/v3/kv/compaction", {"revision": compacted, "physical": True})
        for i in range(0, 40, 4):
            cluster.put(keys[i], kv.config_map("y", "ns", {"v": "4" * i}))  # newer records above the compaction
        cluster.txn(deletes=[keys[8], keys[31], keys[1]])
        cluster.txn(puts=[(keys[8], kv.config_map("z", "ns", {})), (keys[1], kv.config_map("z", "ns", {"a": "b"}))])
        cluster.put(keys[1], kv.config_map("z", "ns", {"a": "bc"}))
        cluster.delete(keys[12])
        answer = cluster.request(cluster.members[0], "/v3/kv/range", {
            "key": base64.b64encode(b"\0").decode(), "range_end": base64.b64encode(b"\0").decode()})
        live = {base64.b64decode(item["key"]): (int(item["mod_revision"]), len(base64.b64decode(item["value"])))
                for item in answer["kvs"]}
        path = save_snapshot(list(etcd_binaries.etcdctl35.argv), cluster, root / "compacted.db")
    finally:
        cluster.stop()
    yield path, live, compacted


def test_live_records_match_etcds_own_view_across_compaction_and_new_generations(
        compacted_history: tuple[Path, dict[bytes, tuple[int, int]], int]) -> None:
    path, expected, compacted = compacted_history
    with BoltFile(path) as bolt:
        assert compact_revision(bolt) == compacted
        records = list(live_records(bolt))
        found = {key: (record_revision(bolt, record), size) for key, _head, _offset, size, record in records}
        assert len(found) == len(records)  # every key once
        assert found == expected
        assert [revision for revision, _size in found.values()] == sorted(
            (revision for revision, _size in found.values()), reverse=True)  # newest first
        latest = latest_state(bolt)
        assert {key: (revision_of(packed), packed & 0xFFFFFFFF) for key, packed in latest.items()} == expected
