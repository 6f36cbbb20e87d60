"""Releases in a store: decode records one at a time, summarise them, and scan every revision."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from kubehop.errors import HelmRecordError
from kubehop.helm.codec import decode_body
from kubehop.helm.manifest_scan import ManifestScanner
from kubehop.helm.mismatch import describe, located, record_mismatches
from kubehop.helm.release import BadRecord, Release, StoredRecord, StoredRelease
from kubehop.helm.storage.base import Query, ReleaseStorage
from kubehop.model import Finding, Location, Severity
from kubehop.scan import Scanner

BAD_RECORD_RULE = "parse-error"


def decode_record(record: StoredRecord) -> StoredRelease | BadRecord:
    where = f"{record.namespace}/{record.key}" if record.namespace else record.key
    try:
        release = decode_body(record.payload, record.helm_major, key=where)
    except HelmRecordError as exc:
        return BadRecord(storage=record.storage, key=record.key, namespace=record.namespace, error=str(exc),
                         raw=record.raw)
    return StoredRelease(record=record, release=release)


def iter_releases(
    storage: ReleaseStorage, query: Query, *, release_namespace: str | None = None
) -> Iterator[StoredRelease | BadRecord]:
    """Decoded revisions, streamed; unreadable records come back as BadRecords, never stop the stream.

    `release_namespace` filters on the release's own namespace, which for Tiller records (all kept
    in the Tiller namespace) is only known after decoding. A Helm 3 release lives where its records
    are (the query's namespace), whatever namespace their bodies name.
    """
    for item in storage.list(query):
        decoded = decode_record(item) if isinstance(item, StoredRecord) else item
        if isinstance(decoded, StoredRelease) and release_namespace and located(decoded)[1] != release_namespace:
            continue
        yield decoded


@dataclass(frozen=True)
class ReleaseSummary:
    """One row of `kubehop releases list`."""

    name: str
    namespace: str
    revision: int
    status: str
    chart: str
    app_version: str
    helm_version: int
    storage: str
    storage_key: str
    updated: str
    mismatches: tuple[str, ...] = ()  # how the record's namespace, key or labels disagree with the body


def written_by(release: Release) -> int:
    """The Helm major version that wrote the record, as far as the record shows it.

    Helm 3 and Helm 4 share the v1 record format; Helm 4 adds `apply_method` (`ssa` or `csa`) to every
    release it writes, so a v1 record with that field is Helm 4's and one without it Helm 3's.
    """
    if release.helm_major == 3 and isinstance(release.body, Mapping) and "apply_method" in release.body:
        return 4
    return release.helm_major


def record_format(row: ReleaseSummary) -> int:
    """Helm 2 (Tiller) or the v1 format Helm 3 and 4 share: revisions of one release group by this."""
    return 2 if row.helm_version == 2 else 3


def summarise(item: StoredRelease) -> ReleaseSummary:
    rel, rec = item.release, item.record
    name, namespace = located(item)
    return ReleaseSummary(
        name=name, namespace=namespace, revision=rel.version, status=rel.status, chart=rel.chart,
        app_version=rel.app_version, helm_version=written_by(rel), storage=rec.storage,
        storage_key=f"{rec.namespace}/{rec.key}" if rec.namespace else rec.key, updated=rel.last_deployed,
        mismatches=record_mismatches(rec, rel),
    )


def mismatch_warning(item: StoredRelease) -> str | None:
    """One line when the record's location disagrees with its body (Helm goes by the location), else None."""
    found = record_mismatches(item.record, item.release)
    return f"{describe(item.record, found)}; Helm goes by where the record is stored" if found else None


def latest_only(rows: Iterable[ReleaseSummary]) -> list[ReleaseSummary]:
    """The highest revision of each release (as `helm list` shows), sorted by namespace and name."""
    latest: dict[tuple[int, str, str], ReleaseSummary] = {}
    for row in rows:
        key = (record_format(row), row.namespace, row.name)
        if key not in latest or latest[key].revision < row.revision:
            latest[key] = row
    return sorted(latest.values(), key=lambda r: (r.namespace, r.name, record_format(r)))


def bad_record_finding(bad: BadRecord) -> Finding:
    return Finding(
        location=Location(path=f"{bad.storage}:{bad.namespace}/{bad.key}", storage_key=bad.key,
                          namespace=bad.namespace or None),
        rule_id=BAD_RECORD_RULE,
        severity=Severity.ERROR,
        message=f"unreadable Helm release record, skipped: {bad.error}",
    )


def scan_release(item: StoredRelease, scanner: Scanner | ManifestScanner) -> Iterator[Finding]:
    """Scan a revision's manifest and every hook's manifest; findings carry release/revision/status."""
    manifests = scanner if isinstance(scanner, ManifestScanner) else ManifestScanner(scanner)
    rel, rec = item.release, item.record
    name, namespace = located(item)
    base = Location(
        path=f"{rec.storage}:{rec.namespace}/{rec.key}" if rec.namespace else f"{rec.storage}:{rec.key}",
        release=name, namespace=namespace, revision=rel.version, status=rel.status, storage_key=rec.key,
    )
    if rel.manifest:
        yield from manifests.scan(rel.manifest, base)
    for hook in rel.hooks:
        if hook.manifest:
            hook_base = replace(base, template=hook.path or f"hook {hook.name}")
            yield from manifests.scan(hook.manifest, hook_base)


def scan_releases(items: Iterable[StoredRelease | BadRecord], scanner: Scanner) -> Iterator[Finding]:
    manifests = ManifestScanner(scanner)
    for item in items:
        if isinstance(item, BadRecord):
            yield bad_record_finding(item)
        else:
            yield from scan_release(item, manifests)
