"""Put the records of a backup back exactly: saved records are rewritten as saved, revisions the fix
created are removed (the backup names each key and the payload written there before it was written).
Saved records go back first, so the release always keeps a deployed revision."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from kubehop.errors import KubehopError, RecordNotFoundError, UsageError
from kubehop.fix.backup import Backup, BackupEntry, payload_digest
from kubehop.fix.plan import made_from
from kubehop.helm.codec import decode_body
from kubehop.helm.release import StoredRecord
from kubehop.helm.storage.base import Query, ReleaseStorage

_REVISION_RE = re.compile(r"\.v(\d+)$")


class RestorableStorage(ReleaseStorage, Protocol):
    def put_raw(self, raw: Mapping[str, Any]) -> StoredRecord: ...


@dataclass(frozen=True)
class RestoreResult:
    release: str
    namespace: str
    helm_major: int
    outcome: str  # restored | skipped | failed
    detail: str
    restored: int = 0
    removed: int = 0


def _revision(key: str) -> int:
    match = _REVISION_RE.search(key)
    return int(match.group(1)) if match else 0


def _groups(backup: Backup) -> list[list[BackupEntry]]:
    groups: dict[tuple[int, str, str], list[BackupEntry]] = {}
    for entry in backup.entries:
        groups.setdefault((entry.helm_major, entry.namespace, entry.release), []).append(entry)
    return list(groups.values())


def _newer(storage: ReleaseStorage, entries: list[BackupEntry]) -> list[str]:
    """Keys of revisions written after the backup (not in it, and above every revision it knows)."""
    first = entries[0]
    known = {e.key for e in entries}
    top = max(_revision(e.key) for e in entries)
    query = Query(name=first.release, namespace=None if first.helm_major == 2 else first.namespace)
    return [r.key for r in storage.list(query) if isinstance(r, StoredRecord) and r.helm_major == first.helm_major
            and r.namespace == first.namespace and r.key not in known and r.version > top]


def _created(storage: ReleaseStorage, entries: list[BackupEntry]) -> list[tuple[BackupEntry, StoredRecord, bool]]:
    """The records now at the keys the fix created: (entry, record, still exactly what the fix wrote).

    A backup names the payload the fix stored (`written`); older backups do not, and for them a record
    counts as the fix's when its description says kubehop made it."""
    found = []
    for entry in entries:
        if entry.raw is not None:
            continue
        try:
            current = storage.get(entry.namespace, entry.key)
        except RecordNotFoundError:
            continue  # the fix stopped before creating it
        if entry.written:
            ours = payload_digest(current.payload) == entry.written
        else:
            ours = made_from(decode_body(current.payload, current.helm_major, key=current.key).description) is not None
        found.append((entry, current, ours))
    return found


def _restore_release(storage: RestorableStorage, entries: list[BackupEntry], force: bool) -> RestoreResult:
    first = entries[0]
    where = (first.release, first.namespace, first.helm_major)
    newer = _newer(storage, entries)
    if newer and not force:
        return RestoreResult(*where, "skipped", f"{', '.join(newer)} written after the backup; restoring would "
                                                "leave them next to the restored revisions (use --force)")
    created = _created(storage, entries)
    changed = [entry.key for entry, _, ours in created if not ours and entry.written]
    if changed and not force:
        return RestoreResult(*where, "skipped", f"{', '.join(changed)} created by the fix and changed since; "
                                                "restoring would remove them (use --force)")
    restored = removed = 0
    kept: list[str] = []
    for entry in entries:
        if entry.raw is not None:
            storage.put_raw(entry.raw)
            restored += 1
    for entry, current, ours in created:
        if not ours and not entry.written:
            kept.append(entry.key)
            continue
        storage.delete(current)
        removed += 1
    detail = f"{restored} record(s) put back, {removed} revision(s) made by kubehop removed"
    if kept:
        detail += f"; kept {', '.join(kept)} (not written by kubehop)"
    return RestoreResult(*where, "restored", detail, restored, removed)


def restore_backup(backup: Backup, storage: ReleaseStorage, *, force: bool = False) -> list[RestoreResult]:
    if not hasattr(storage, "put_raw"):
        raise UsageError(f"storage {storage.name} cannot restore raw records")
    restorable: RestorableStorage = storage  # type: ignore[assignment]
    results = []
    for entries in _groups(backup):
        try:
            results.append(_restore_release(restorable, entries, force))
        except KubehopError as exc:
            first = entries[0]
            results.append(RestoreResult(first.release, first.namespace, first.helm_major, "failed", str(exc)))
    if backup.file_text is not None and all(r.outcome == "restored" for r in results):
        put_back = getattr(storage, "put_back_text", None)
        if put_back is not None:
            put_back(backup.file_text)
    return results
