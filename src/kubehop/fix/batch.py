"""Fix many releases: stream the storage listing one release at a time (memory bounded by one release's
revisions), plan, back up, write, and report each release as it is done."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kubehop.errors import KubehopError, UsageError
from kubehop.fix.backup import BackupWriter
from kubehop.fix.execute import FixResult, execute, preview
from kubehop.fix.plan import FixOptions, FixPlan, Outcome, plan_release
from kubehop.helm.codec import decode_body
from kubehop.helm.release import BadRecord, StoredRecord, StoredRelease
from kubehop.helm.storage.base import Query, ReleaseStorage

Identity = tuple[int, str, str]  # (Helm major, namespace the records live in, release name)


@dataclass(frozen=True)
class Selection:
    release: str | None = None  # None = every release (--all)
    namespace: str | None = None  # the releases' namespace; None = all namespaces


@dataclass(frozen=True)
class ReleaseRecords:
    identity: Identity
    records: tuple[StoredRecord, ...]


def _identity(record: StoredRecord) -> Identity:
    return (record.helm_major, record.namespace, record.name)


def _query(storage: ReleaseStorage, selection: Selection, name: str | None = None) -> Query:
    # Tiller keeps every release in its own namespace: the release namespace is checked after decoding.
    namespace = None if storage.helm_major == 2 else selection.namespace
    return Query(name=name or selection.release, namespace=namespace)


def _holds_transaction(storage: ReleaseStorage) -> bool:
    """SQL listings stream through a server-side cursor inside one transaction: writes made while it is
    open would only become durable (and visible to Helm) when the whole listing ends."""
    from kubehop.helm.storage.sql import SqlStorage

    return isinstance(storage, SqlStorage)


def _records_of(storage: ReleaseStorage, selection: Selection, identity: Identity) -> tuple[StoredRecord, ...]:
    query = _query(storage, selection, identity[2])
    return tuple(r for r in storage.list(query) if isinstance(r, StoredRecord) and _identity(r) == identity)


def iter_release_records(storage: ReleaseStorage, selection: Selection) -> Iterator[ReleaseRecords | BadRecord]:
    """Group the listing into releases, one release in memory at a time.

    Listings come sorted by namespace and key, so one release's revisions are adjacent; a release seen
    again later is re-read whole by name at the end. For SQL the listing only collects release names
    and each release is then read (and written) in its own short transaction."""
    if _holds_transaction(storage):
        identities: dict[Identity, None] = {}
        for item in storage.list(_query(storage, selection)):
            if isinstance(item, BadRecord):
                yield item
            else:
                identities.setdefault(_identity(item))
        for identity in identities:
            records = _records_of(storage, selection, identity)
            if records:
                yield ReleaseRecords(identity, records)
        return
    seen: set[Identity] = set()
    revisit: list[Identity] = []
    group: list[StoredRecord] = []
    for item in storage.list(_query(storage, selection)):
        if isinstance(item, BadRecord):
            yield item
            continue
        if _identity(item) in seen:  # out of order: this release is read again, whole, at the end
            if _identity(item) not in revisit:
                revisit.append(_identity(item))
            continue
        if group and _identity(group[0]) != _identity(item):
            seen.add(_identity(group[0]))
            yield ReleaseRecords(_identity(group[0]), tuple(group))
            group = []
        group.append(item)
    if group:
        yield ReleaseRecords(_identity(group[0]), tuple(group))
    for identity in revisit:
        records = _records_of(storage, selection, identity)
        if records:
            yield ReleaseRecords(identity, records)


def decode_release(group: ReleaseRecords) -> list[StoredRelease]:
    return [StoredRelease(r, decode_body(r.payload, r.helm_major, key=r.key)) for r in group.records]


def reread(storage: ReleaseStorage, identity: Identity) -> list[StoredRelease]:
    """Every revision of one release, read afresh."""
    records = (r for r in storage.list(Query(name=identity[2], namespace=None if identity[0] == 2 else identity[1]))
               if isinstance(r, StoredRecord) and _identity(r) == identity)
    return decode_release(ReleaseRecords(identity, tuple(records)))


def _failed(identity: Identity, detail: str) -> FixResult:
    return FixResult(identity[2], identity[1], identity[0], Outcome.FAILED, detail)


def _fix_one(identity: Identity, revisions: list[StoredRelease], storage: ReleaseStorage, options: FixOptions,
             backup: BackupWriter | None, now: datetime.datetime) -> tuple[FixPlan | None, FixResult]:
    try:
        plan = plan_release(revisions, options, now)
    except Exception as exc:  # a release that cannot be converted fails alone: the batch goes on
        return None, _failed(identity, f"cannot be converted: {_reason(exc)}")
    try:
        return plan, preview(plan, options.target) if backup is None else execute(plan, storage, backup,
                                                                                   options.target)
    except UsageError:
        raise  # e.g. the backup file cannot be created: stop before anything is written
    except KubehopError as exc:
        return None, _failed(identity, str(exc))


def _reason(exc: Exception) -> str:
    """The error on one line; an unexpected one is named by its type."""
    text = " ".join(str(exc).split())
    return text if isinstance(exc, KubehopError) else f"{type(exc).__name__}: {text}"


Report = Callable[[FixPlan | None, FixResult], None]


def fix_releases(
    storage: ReleaseStorage,
    selection: Selection,
    options: FixOptions,
    backup: BackupWriter | None,
    *,
    now: datetime.datetime,
    report: Report,
) -> dict[Identity, FixResult]:
    """Plan (and, unless `backup` is None = dry run, write) the fix of every selected release.

    `report` is called once per release as soon as it is done; the returned map holds the final
    result of each release (a release re-read after an out-of-order listing keeps its last result).
    """
    results: dict[Identity, FixResult] = {}
    for group in iter_release_records(storage, selection):
        if isinstance(group, BadRecord):
            bad = FixResult(group.key, group.namespace, 0, Outcome.FAILED, f"unreadable record: {group.error}")
            results[(0, group.namespace, group.key)] = bad
            report(None, bad)
            continue
        try:
            revisions = decode_release(group)
        except Exception as exc:  # one unreadable release must not stop the batch
            result = _failed(group.identity, f"unreadable revision: {_reason(exc)}")
            results[group.identity] = result
            report(None, result)
            continue
        if selection.namespace and revisions[0].release.helm_major == 2 and \
                revisions[0].release.namespace != selection.namespace:
            continue
        plan, result = _fix_one(group.identity, revisions, storage, options, backup, now)
        earlier = results.get(group.identity)
        if earlier is not None and earlier.outcome is Outcome.FIXED and result.outcome is Outcome.UNCHANGED:
            result = earlier  # re-read after an out-of-order listing: the first pass did the work
        results[group.identity] = result
        report(plan, result)
    return results


def backup_releases(storage: ReleaseStorage, selection: Selection, backup: BackupWriter) -> tuple[int, list[str]]:
    """Save every revision of the selected releases: (releases saved, unreadable records not saved)."""
    count, bad = 0, []
    for group in iter_release_records(storage, selection):
        if isinstance(group, BadRecord):
            bad.append(f"{group.namespace}/{group.key}: {group.error}")
            continue
        if selection.namespace and group.identity[0] == 2:
            first = decode_release(ReleaseRecords(group.identity, group.records[:1]))[0]
            if first.release.namespace != selection.namespace:
                continue
        backup.save_records(group.identity[2], group.records)
        count += 1
    return count, bad
