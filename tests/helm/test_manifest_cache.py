"""Findings remembered per document text are exactly the findings of scanning every revision afresh.

The store is the real-world corpus as Helm 3 releases of four revisions (tests/helm/corpus_store.py).
"""

from __future__ import annotations

import pytest

from kubehop.helm.inventory import scan_release
from kubehop.helm.manifest_scan import CACHE_SIZE, ManifestScanner
from kubehop.helm.release import StoredRelease
from kubehop.lifecycle import Lifecycle
from kubehop.model import Finding, Location
from kubehop.scan import Scanner, ScanOptions
from tests.helm.corpus_store import corpus_releases

REVISIONS = 4
TARGET = "1.22"


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> list[StoredRelease]:
    return corpus_releases(tmp_path_factory.mktemp("store") / "releases.yaml", REVISIONS)


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
