"""What restoring OLD would do to a cluster that is now at NEW: objects deleted, recreated, reverted.

Values are compared byte for byte in the two mapped files. Secrets and ConfigMaps come first: they
are what an operator rotates between the snapshot and the restore, and `export_changed` writes the
versions in NEW (mode 0600) so they can be re-applied after the restore.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from kubehop.errors import UsageError
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.inspect import peek_type
from kubehop.etcd.k8s import DEFAULT_PREFIX, KNOWN_KINDS, decode_value, manifest_for_reapply, parse_registry_key
from kubehop.etcd.mvcc import latest_state, revision_of, value_of
from kubehop.fsutil import write_atomically

ADDED = "added"  # only in NEW: restoring OLD deletes it
DELETED = "deleted"  # only in OLD: restoring OLD brings it back
CHANGED = "changed"  # in both, different: restoring OLD reverts it
EXPORTABLE = ("secrets", "configmaps")


@dataclass(frozen=True)
class Change:
    change: str
    key: str
    resource: str
    namespace: str
    name: str
    kind: str
    old_revision: int
    new_revision: int

    @property
    def sort_key(self) -> tuple[int, str, str, str]:
        rank = EXPORTABLE.index(self.resource) if self.resource in EXPORTABLE else len(EXPORTABLE)
        return rank, self.resource, self.namespace, self.name


@dataclass(frozen=True)
class DiffReport:
    old: str
    new: str
    changes: tuple[Change, ...]
    unchanged: int

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes if c.change == change)


def _describe(key: bytes, value: bytes, prefix: str) -> tuple[str, str, str, str]:
    text = key.decode("utf-8", "replace")
    where = parse_registry_key(text, prefix)
    _encoding, _api_version, kind = peek_type(value)
    if where is None:
        return "(non-kubernetes keys)", "", text, ""
    return where.resource, where.namespace, where.name, kind or KNOWN_KINDS.get(where.resource, "")


def diff_snapshots(old: BoltFile, new: BoltFile, prefix: str = DEFAULT_PREFIX) -> DiffReport:
    old_live, new_live = latest_state(old), latest_state(new)
    changes: list[Change] = []
    unchanged = 0
    for key, packed in new_live.items():
        new_value = value_of(new, packed)
        old_packed = old_live.get(key)
        if old_packed is None:
            changes.append(Change(ADDED, key.decode("utf-8", "replace"), *_describe(key, new_value, prefix),
                                  0, revision_of(packed)))
        elif value_of(old, old_packed) == new_value:
            unchanged += 1
        else:
            changes.append(Change(CHANGED, key.decode("utf-8", "replace"), *_describe(key, new_value, prefix),
                                  revision_of(old_packed), revision_of(packed)))
    for key, packed in old_live.items():
        if key not in new_live:
            changes.append(Change(DELETED, key.decode("utf-8", "replace"),
                                  *_describe(key, value_of(old, packed), prefix), revision_of(packed), 0))
    changes.sort(key=lambda c: c.sort_key)
    return DiffReport(str(old.path), str(new.path), tuple(changes), unchanged)


@dataclass(frozen=True)
class ExportResult:
    written: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (key, reason)


def check_export_directory(directory: Path) -> None:
    """Refuse an --export path that exists and is not a directory (nothing is written then)."""
    if (directory.exists() or directory.is_symlink()) and not directory.is_dir():
        raise UsageError(f"{directory}: --export must be a directory; it exists and is not one")


def export_changed(new: BoltFile, report: DiffReport, directory: Path) -> ExportResult:
    """Write NEW's version of every added or changed Secret/ConfigMap as a manifest, mode 0600.

    Nothing is overwritten: if any target file exists, nothing is written at all.
    """
    live = latest_state(new)
    planned: list[tuple[Path, dict[str, object]]] = []
    skipped: list[tuple[str, str]] = []
    for change in report.changes:
        if change.resource not in EXPORTABLE or change.change == DELETED:
            continue
        decoded = decode_value(value_of(new, live[change.key.encode("utf-8")]))
        manifest = manifest_for_reapply(decoded)
        if manifest is None:
            reason = (f"stored encrypted ({decoded.provider}); read it from the live cluster before the restore"
                      if decoded.encoding == "encrypted" else f"cannot decode a {decoded.encoding} value")
            skipped.append((change.key, reason))
            continue
        # '_' appears in neither namespace nor object names, so file names cannot collide
        filename = f"{change.resource[:-1]}_{change.namespace or 'cluster'}_{change.name}.yaml"
        planned.append((directory / filename, manifest))
    check_export_directory(directory)
    clashes = [str(path) for path, _m in planned if path.exists() or path.is_symlink()]
    if clashes:
        raise UsageError(f"export would overwrite {', '.join(clashes)}; choose an empty --export directory")
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{directory}: cannot create the --export directory: {exc.strerror}") from exc
    written: list[str] = []
    for path, manifest in planned:
        write_atomically(path, yaml.safe_dump(manifest, sort_keys=False))
        written.append(str(path))
    return ExportResult(tuple(written), tuple(skipped))
