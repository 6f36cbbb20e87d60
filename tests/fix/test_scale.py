"""`fix --all` over 1,000 releases in Helm's SQL storage (real PostgreSQL): every release handled, memory
bounded by one release at a time rather than by the number of releases."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from kubehop.fix import FixOptions, FixResult, Outcome, Selection, fix_releases
from kubehop.fix.backup import BackupWriter
from kubehop.helm.release import StoredRecord
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.sql import SqlStorage
from tests.fix.helpers import NOW, TARGET
from tests.fix.seed import seed_manifest
from tests.helm.factories import helm3_release

pytestmark = pytest.mark.postgres
RELEASES = 1000


CURRENT = """---
# Source: app/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{i}
data:
  settings: "{i}"
---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
spec:
  selector: {{app: app-{i}}}
  ports: [{{port: 80}}]
"""


def _seed(url: str, namespace: str, count: int) -> None:
    """A fleet where one release in 25 still holds removed APIs."""
    storage = SqlStorage(url)
    try:
        old = seed_manifest(namespace)
        for i in range(count):
            manifest = old if i % 25 == 0 else CURRENT.format(i=i)
            storage.create(helm3_release(name=f"app-{i:04d}", namespace=namespace, manifest=manifest))
    finally:
        storage.close()


def _fix(url: str, namespace: str, backup: Path) -> tuple[dict[Any, FixResult], int]:
    storage = SqlStorage(url)
    writer = BackupWriter(backup, storage.name)
    done: list[str] = []
    tracemalloc.start()
    try:
        results = fix_releases(storage, Selection(namespace=namespace), FixOptions(TARGET), writer, now=NOW,
                               report=lambda plan, result: done.append(result.outcome.value))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        writer.close()
        storage.close()
    assert len(done) == len(results)
    return results, peak


def test_fix_all_over_a_thousand_releases_with_bounded_memory(helm_sql: str, tmp_path: Path) -> None:
    small, large = f"s{os.urandom(3).hex()}", f"l{os.urandom(3).hex()}"
    _seed(helm_sql, small, RELEASES // 10)
    _seed(helm_sql, large, RELEASES)
    small_results, small_peak = _fix(helm_sql, small, tmp_path / "small.jsonl")
    large_results, large_peak = _fix(helm_sql, large, tmp_path / "large.jsonl")
    assert len(small_results) == RELEASES // 10 and len(large_results) == RELEASES
    outcomes = [r.outcome for r in large_results.values()]
    assert (outcomes.count(Outcome.FIXED), outcomes.count(Outcome.UNCHANGED)) == (RELEASES // 25, RELEASES - RELEASES // 25)
    # Ten times the releases: the peak grows by the small per-release results, not by release payloads.
    assert large_peak < small_peak + RELEASES * 4096, (small_peak, large_peak)
    storage = SqlStorage(helm_sql)
    try:
        statuses = [r.status for r in storage.list(Query(namespace=large)) if isinstance(r, StoredRecord)]
    finally:
        storage.close()
    assert statuses.count("deployed") == RELEASES and statuses.count("superseded") == RELEASES // 25
