"""Where a record is stored versus what its release body says (sans-IO).

Helm finds a release's revisions by where their records are: the namespace it is told (`-n`) and the
record's labels (`name`, `owner`, `status`, `version`). It never checks that the body inside agrees.
Records copied between namespaces or restored by other tools can therefore hold a body naming another
namespace, name or revision than the record's key and labels. For kubehop the record's location is
the truth: these checks say where the two disagree.
"""

from __future__ import annotations

import re

from kubehop.helm.release import Release, StoredRecord, StoredRelease, helm2_status_label, storage_key

_KEY_REVISION = re.compile(r"\.v(\d+)$")


def key_revision(key: str) -> int:
    """The revision number a storage key ends in (`...NAME.vN`), 0 when it names none."""
    match = _KEY_REVISION.search(key)
    return int(match.group(1)) if match else 0


def stored_revision(record: StoredRecord) -> int:
    """The revision number the record's location gives: its version label, else its key's suffix."""
    return record.version or key_revision(record.key)


def record_mismatches(record: StoredRecord, release: Release) -> tuple[str, ...]:
    """Every way `record`'s namespace, key and labels disagree with `release`, the body it holds."""
    found: list[str] = []
    if release.helm_major == 3 and record.namespace and release.namespace and record.namespace != release.namespace:
        found.append(f"stored in namespace {record.namespace}, body says namespace {release.namespace}")
    expected_key = storage_key(release.name, release.version, release.helm_major)
    if record.key != expected_key:
        found.append(f"key {record.key}, body says {expected_key}")
    names = ("NAME", "VERSION", "STATUS") if release.helm_major == 2 else ("name", "version", "status")
    status = helm2_status_label(release.status) if release.helm_major == 2 else release.status
    for label, value in zip(names, (release.name, str(release.version), status), strict=True):
        stored = record.labels.get(label)
        if stored != value:
            shown = "missing" if stored is None else f"{stored!r}"
            found.append(f"label {label} {shown}, body says {value!r}")
    return tuple(found)


def describe(record: StoredRecord, mismatches: tuple[str, ...]) -> str:
    """One line naming the record and how it disagrees with its body."""
    where = f"{record.namespace}/{record.key}" if record.namespace else record.key
    return f"{record.storage}:{where}: record disagrees with its release body ({'; '.join(mismatches)})"


def located(item: StoredRelease) -> tuple[str, str]:
    """(name, namespace) of the release as Helm finds it: the record's name label and, for Helm 3, the
    namespace the record is stored in (Tiller keeps every release in its own namespace: the body's)."""
    rel, rec = item.release, item.record
    return (rec.name or rel.name, rec.namespace if rel.helm_major == 3 and rec.namespace else rel.namespace)
