"""Property test over generated stores, for every driver: records whose namespace, key or labels disagree
with their bodies, gaps in revision numbers, several or no deployed revisions, pending-* and failed ones.

For each generated store, `releases fix` (with or without --force, --revisions latest or all) then
`restore-backup` must leave the store byte-identical, and the fix must never leave a number of deployed
revisions other than one unless the release had that number before (counted both by body status and by
status label, Helm's `Deployed()` query).

Byte-identical means: file stores compare the file's bytes; SQL compares every column of every row of
releases_v1 and custom_labels_v1 in the namespace; Secrets and ConfigMaps compare every object in the
namespace as the API returns it, minus `metadata.resourceVersion`, which the API server assigns anew on
every write (uid and creationTimestamp are kept by a replace and are compared).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kubehop.fix import FixOptions, Outcome, Selection, fix_releases
from kubehop.fix.backup import BackupWriter, read_backup
from kubehop.fix.restore import restore_backup
from kubehop.helm.codec import decode_body, evolve
from kubehop.helm.records import object_for, release_labels
from kubehop.helm.release import Release, StoredRecord, helm2_status_label, storage_key
from kubehop.helm.storage.base import Query
from tests.fix.conftest import BACKEND_IDS, BACKENDS
from tests.fix.helpers import NOW, TARGET
from tests.fix.seed import NAME, history
from tests.fixtures.kube_api import KubeApi

STATUSES = ("deployed", "superseded", "failed", "pending-upgrade", "pending-install")
MISMATCHES = ("namespace", "key", "version-label", "status-label", "body-name")


@dataclass(frozen=True)
class Revision:
    version: int  # the body's revision
    status: str  # the body's status
    mismatches: frozenset[str]


@st.composite
def stores(draw: st.DrawFn) -> list[Revision]:
    versions = sorted(draw(st.sets(st.integers(1, 9), min_size=1, max_size=4)))
    # Deployed twice as likely as any other status, so that most stores have something to fix.
    statuses = st.sampled_from(("deployed", *STATUSES))
    return [Revision(v, draw(statuses),
                     frozenset(draw(st.sets(st.sampled_from(MISMATCHES), max_size=2))) if draw(st.booleans())
                     else frozenset())
            for v in versions]


class Store:
    """One generated store: writes raw records, snapshots them exactly, counts deployed revisions."""

    def __init__(self, spec: str, helm_major: int, request: pytest.FixtureRequest, tmp: Path) -> None:
        self.spec, self.helm_major = spec, helm_major
        self.record_namespace = f"ns{os.urandom(4).hex()}"
        self.body_namespace = "apps" if helm_major == 2 else self.record_namespace
        self.opened: list[Any] = []
        if spec == "file":
            from kubehop.helm.storage.file import FileStorage

            self.path = tmp / f"{self.record_namespace}.yaml"
            self.storage: Any = FileStorage(self.path)  # Tiller namespace kube-system: the records are elsewhere
        elif spec == "sql":
            from kubehop.helm.storage.sql import SqlStorage

            self.url = request.getfixturevalue("helm_sql")
            self.storage = SqlStorage(self.url)
        else:
            from kubehop.helm.storage.kube import KubeStorage

            self.kube_api: KubeApi = request.getfixturevalue("kube_api")
            self.kind = "Secret" if spec.endswith("secret") else "ConfigMap"
            self.storage = KubeStorage(self.kube_api.api_client(), kind=self.kind, helm_major=helm_major,
                                       tiller_namespace=self.record_namespace)
        self.opened.append(self.storage)

    def close(self) -> None:
        for storage in self.opened:
            if hasattr(storage, "close"):
                storage.close()

    def body(self, rev: Revision) -> Release:
        status = helm2_status_label(rev.status) if self.helm_major == 2 else rev.status
        (release,) = [r for r in history(self.helm_major, self.body_namespace, (status,))]
        release = evolve(release, version=rev.version)
        if "namespace" in rev.mismatches and self.helm_major == 3:
            release = evolve(release, namespace="copied-from")
        if "body-name" in rev.mismatches:
            release = evolve(release, name="renamed")
        return release

    def seed(self, revisions: list[Revision]) -> None:
        used = {r.version for r in revisions}
        spare = iter(sorted(set(range(10, 30)) - used))
        for rev in revisions:
            release = self.body(rev)
            key_number = next(spare) if "key" in rev.mismatches else rev.version
            label_version = rev.version + 20 if "version-label" in rev.mismatches else rev.version
            label_status = ("superseded" if rev.status == "deployed" else "deployed") \
                if "status-label" in rev.mismatches else rev.status
            labels = release_labels(release, now=1700000000, created=True, extra={"team": "imaging"})
            names = ("NAME", "VERSION", "STATUS") if self.helm_major == 2 else ("name", "version", "status")
            labels.update(zip(names, (NAME, str(label_version),
                                      helm2_status_label(label_status) if self.helm_major == 2 else label_status),
                              strict=True))
            key = storage_key(NAME, key_number, self.helm_major)
            self.storage.put_raw(self.raw(release, key, labels))

    def raw(self, release: Release, key: str, labels: dict[str, str]) -> dict[str, Any]:
        if self.spec == "sql":
            from kubehop.helm.codec import encode_body

            return {"key": key, "type": "helm.sh/release.v1", "body": encode_body(release), "name": labels["name"],
                    "namespace": self.record_namespace, "version": int(labels["version"]),
                    "status": labels["status"], "owner": "helm", "createdat": 1700000000, "modifiedat": 0,
                    "custom_labels": {"team": "imaging"}}
        kind = getattr(self, "kind", "ConfigMap" if self.helm_major == 2 else "Secret")
        return object_for(release, kind=kind, namespace=self.record_namespace, labels=labels, key=key)

    def snapshot(self) -> Any:
        if self.spec == "file":
            return self.path.read_bytes()
        if self.spec == "sql":
            import psycopg
            from psycopg.rows import dict_row

            with psycopg.connect(self.url, row_factory=dict_row) as conn:
                rows = conn.execute("SELECT * FROM releases_v1 WHERE namespace = %s ORDER BY key",
                                    (self.record_namespace,)).fetchall()
                labels = conn.execute("SELECT * FROM custom_labels_v1 WHERE releasenamespace = %s "
                                      "ORDER BY releasekey, key", (self.record_namespace,)).fetchall()
            return rows, labels
        from kubernetes import client

        core = client.CoreV1Api(self.kube_api.api_client())
        lister = core.list_namespaced_secret if self.kind == "Secret" else core.list_namespaced_config_map
        items = json.loads(lister(self.record_namespace, _preload_content=False).data)["items"]
        for item in items:
            del item["metadata"]["resourceVersion"]  # assigned by the API server on every write
        return sorted(items, key=lambda i: i["metadata"]["name"])

    def deployed(self) -> tuple[int, int]:
        """(revisions whose body is deployed, records labelled deployed) of the release."""
        namespace = None if self.helm_major == 2 else self.record_namespace
        found = [r for r in self.storage.list(Query(name=NAME, namespace=namespace))
                 if isinstance(r, StoredRecord) and r.namespace == self.record_namespace]
        bodies = [decode_body(r.payload, r.helm_major, key=r.key) for r in found]
        return (sum(b.status == "deployed" for b in bodies), sum(r.status == "deployed" for r in found))


@pytest.fixture
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    made: list[Store] = []

    def make(spec: str, helm_major: int) -> Store:
        store = Store(spec, helm_major, request, tmp_path)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.mark.parametrize(("spec", "helm_major"), BACKENDS, ids=BACKEND_IDS)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(revisions=stores(), force=st.sampled_from((True, True, False)), all_revisions=st.booleans())
def test_fix_then_restore_is_byte_identical_and_leaves_one_deployed_revision(
        store_factory: Any, tmp_path: Path, spec: str, helm_major: int, revisions: list[Revision], force: bool,
        all_revisions: bool) -> None:
    store: Store = store_factory(spec, helm_major)
    store.seed(revisions)
    before, deployed_before = store.snapshot(), store.deployed()
    backup = tmp_path / f"{store.record_namespace}.jsonl"
    writer = BackupWriter(backup, store.storage.name)
    namespace = None if helm_major == 2 or spec == "file" else store.record_namespace
    try:
        results = fix_releases(store.storage, Selection(release=NAME, namespace=namespace),
                               FixOptions(TARGET, all_revisions=all_revisions, force=force), writer, now=NOW,
                               report=lambda plan, result: None)
    finally:
        writer.close()
    (result,) = results.values()
    event(f"{result.outcome.value} force={force} mismatched={any(r.mismatches for r in revisions)}")
    mismatched = any(r.mismatches - ({"namespace"} if helm_major == 2 else set()) for r in revisions)
    if mismatched and not force:
        assert result.outcome is Outcome.SKIPPED and "disagree with their release bodies" in result.detail
        assert "--force" in result.detail
    else:
        assert result.outcome is not Outcome.FAILED, result
    deployed_after = store.deployed()
    for after, earlier in zip(deployed_after, deployed_before, strict=True):
        assert after in (1, earlier), (result, deployed_before, deployed_after)
    if result.outcome is Outcome.FIXED and result.new_revision is not None:
        assert deployed_after == (1, 1)

    if backup.exists():
        restored = restore_backup(read_backup(backup), store.storage)
        assert all(r.outcome == "restored" for r in restored), restored
    assert store.snapshot() == before
