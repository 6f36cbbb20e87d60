"""Reading a release's state back from storage, and a storage that crashes after its n-th write."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kubehop.fix import FixOptions, FixResult, Selection, fix_releases
from kubehop.fix.backup import BackupWriter
from kubehop.helm.codec import decode_body
from kubehop.helm.release import BadRecord, Release, StoredRecord
from kubehop.helm.storage.base import Query, ReleaseStorage
from kubehop.model import KubeVersion
from tests.fix.conftest import Backend
from tests.fix.seed import NAME

NOW = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.UTC)
TARGET = KubeVersion.parse("1.19")


class Crash(Exception):
    """Stands for the process dying right after a storage operation completed."""


class CrashAfter:
    """Delegates to a real storage and raises Crash once `ops` write operations have completed."""

    def __init__(self, inner: ReleaseStorage, ops: int) -> None:
        self.inner = inner
        self.left = ops

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def helm_major(self) -> int | None:
        return self.inner.helm_major

    def list(self, query: Query) -> Iterator[StoredRecord | BadRecord]:
        return self.inner.list(query)

    def get(self, namespace: str, key: str) -> StoredRecord:
        return self.inner.get(namespace, key)

    def _tick(self) -> None:
        self.left -= 1
        if self.left == 0:
            raise Crash(f"crashed after a write ({self.inner.name})")

    def create(self, release: Release, *, labels: Mapping[str, str] = {}, namespace: str | None = None) -> StoredRecord:
        record = self.inner.create(release, labels=labels, namespace=namespace)
        self._tick()
        return record

    def update(self, release: Release, expected: StoredRecord) -> StoredRecord:
        record = self.inner.update(release, expected)
        self._tick()
        return record

    def delete(self, expected: StoredRecord) -> None:
        self.inner.delete(expected)
        self._tick()


def records(storage: ReleaseStorage, backend: Backend) -> list[StoredRecord]:
    query = Query(name=NAME, namespace=None if backend.helm_major == 2 else backend.namespace)
    found = [r for r in storage.list(query) if isinstance(r, StoredRecord)]
    return [r for r in found if r.helm_major == backend.helm_major and r.namespace == backend.record_namespace]


def state(storage: ReleaseStorage, backend: Backend) -> dict[int, tuple[Any, ...]]:
    """revision -> (status, description, manifest, hook manifests); the label status must match the body."""
    out: dict[int, tuple[Any, ...]] = {}
    for record in records(storage, backend):
        release = decode_body(record.payload, record.helm_major, key=record.key)
        assert record.status == release.status, f"{record.key}: label status {record.status} != {release.status}"
        out[release.version] = (release.status, release.description, release.manifest,
                                tuple(h.manifest for h in release.hooks))
    return out


def wipe(storage: ReleaseStorage, backend: Backend) -> None:
    for record in records(storage, backend):
        storage.delete(record)


def run_fix(storage: Any, backend: Backend, backup: Path | None, *, all_revisions: bool = False,
            force: bool = False) -> dict[Any, FixResult]:
    writer = BackupWriter(backup, storage.name) if backup is not None else None
    try:
        return fix_releases(storage, Selection(release=NAME, namespace=backend.namespace),
                            FixOptions(TARGET, all_revisions=all_revisions, force=force), writer, now=NOW,
                            report=lambda plan, result: None)
    finally:
        if writer is not None:
            writer.close()


def only(results: Mapping[Any, FixResult]) -> FixResult:
    assert len(results) == 1, results
    return next(iter(results.values()))
