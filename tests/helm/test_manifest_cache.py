"""Findings remembered per document text are exactly the findings of scanning every revision afresh.

The store is the real-world corpus (corpus/helm-charts-2018) as Helm 3 releases of four revisions,
as `helm upgrade` leaves them: each revision after the first adds a label to one document (so its
later lines move), the other documents repeat byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.realworld import revised

from kubehop.helm.inventory import iter_releases, scan_release
from kubehop.helm.manifest_scan import CACHE_SIZE, ManifestScanner
from kubehop.helm.records import object_for, release_labels
from kubehop.helm.release import StoredRelease
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.file import FileStorage, dump_items
from kubehop.lifecycle import Lifecycle
from kubehop.model import Finding, Location
from kubehop.scan import Scanner, ScanOptions
from tests.helm.factories import helm3_release

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "helm-charts-2018"
REVISIONS = 4
TARGET = "1.22"


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> list[StoredRelease]:
    items = []
    for chart in sorted(CORPUS.glob("*.yaml")):
        text = chart.read_text(encoding="utf-8")
        for version in range(1, REVISIONS + 1):
            release = helm3_release(name=chart.stem[:50], namespace="corpus", version=version,
                                    status="deployed" if version == REVISIONS else "superseded",
                                    manifest=revised(text, version))
            items.append(object_for(release, kind="Secret", namespace="corpus",
                                    labels=release_labels(release, now=1700000000, created=True)))
    path = tmp_path_factory.mktemp("store") / "releases.yaml"
    path.write_text(dump_items(items), encoding="utf-8")
    decoded = list(iter_releases(FileStorage(path), Query()))
    assert all(isinstance(item, StoredRelease) for item in decoded)
    return [item for item in decoded if isinstance(item, StoredRelease)]


def _scanner() -> Scanner:
    lifecycle = Lifecycle.load()
    return Scanner(ScanOptions(target=lifecycle.parse_target(TARGET), lifecycle=lifecycle))


def _afresh(releases: list[StoredRelease]) -> tuple[list[Finding], int, int]:
    """Every revision scanned on its own by the general scanner (no pre-filter, nothing remembered), with the
    documents parsed in all revisions and in the first ones."""
    findings, parsed, parsed_first = [], 0, 0
    for item in releases:
        rec, rel = item.record, item.release
        scanner = _scanner()
        base = Location(path=f"{rec.storage}:{rec.namespace}/{rec.key}", release=rel.name, namespace=rec.namespace,
                        revision=rel.version, status=rel.status, storage_key=rec.key)
        findings += scanner.scan_text(rel.manifest, base, chart_lines=True)
        parsed += scanner.stats.parsed
        parsed_first += scanner.stats.parsed if rel.version == 1 else 0
    return findings, parsed, parsed_first


@pytest.mark.parametrize("cache_size", [CACHE_SIZE, 7, 0])
def test_remembered_findings_are_those_of_each_revision(releases: list[StoredRelease], cache_size: int) -> None:
    expected, parsed_afresh, parsed_first = _afresh(releases)
    scanner = _scanner()
    manifests = ManifestScanner(scanner, cache_size)
    found = [finding for item in releases for finding in scan_release(item, manifests)]

    assert found == expected
    assert len({(f.location.release, f.location.revision) for f in found}) > 100 * REVISIONS // 2
    if cache_size == CACHE_SIZE:
        # A repeated document is parsed once; one that changed in a later revision is parsed again.
        assert parsed_first < scanner.stats.parsed < parsed_afresh / 2
