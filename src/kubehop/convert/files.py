"""File I/O for `kubehop convert`: read inputs, back up, replace atomically. Everything else in
this package is pure."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kubehop.convert.documents import is_object, split_documents
from kubehop.convert.live import LiveKey, index_live
from kubehop.errors import ManifestError, UsageError
from kubehop.fsutil import write_atomically
from kubehop.readfile import read_bytes, special_kind

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def expand_paths(paths: Iterable[str], notes: list[str] | None = None) -> list[tuple[Path, Path]]:
    """(file, path relative to its argument's folder) for every file; folders are walked in order.

    FIFOs, sockets and devices found in folders are skipped (with a line in `notes`); named as an
    argument, they are a UsageError.
    """
    found: list[tuple[Path, Path]] = []
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            for entry in sorted(path.rglob("*")):
                kind = _special(entry)
                if kind is not None and kind != "a directory":
                    if notes is not None:
                        notes.append(f"{entry}: {kind}, skipped")
                elif entry.is_file() and entry.suffix in MANIFEST_SUFFIXES:
                    found.append((entry, entry.relative_to(path)))
        elif path.exists():
            kind = _special(path)
            if kind is not None:
                raise UsageError(f"{arg}: {kind}, not a regular file")
            found.append((path, Path(path.name)))
        else:
            raise UsageError(f"{arg}: no such file or directory")
    return found


def _special(path: Path) -> str | None:
    try:
        return special_kind(path.stat().st_mode)
    except OSError:
        return None


def read_text(path: Path) -> str:
    """The file's exact text (no newline translation), or a ManifestError naming it."""
    try:
        data = read_bytes(path)
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def load_live(path: Path) -> dict[LiveKey, Any]:
    """Index exported live objects (`kubectl get ... -o yaml`, several documents or a List)."""
    text = read_text(path)
    objects: Iterator[Any] = (doc.parse(str(path)) for doc in split_documents(text))
    return index_live(obj for obj in objects if is_object(obj))


def backup_path(path: Path, stamp: str | None = None) -> Path:
    stamp = stamp or time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    candidate = path.with_name(f"{path.name}.kubehop-{stamp}.bak")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.kubehop-{stamp}-{n}.bak")
    return candidate


def replace_with_backup(path: Path, text: str, backup_dir: Path | None = None) -> Path:
    """Back the file up (mode 0600, synced; outside any chart, see kubehop.convert.backups) first, then
    replace it atomically; returns the backup."""
    from kubehop.convert.backups import backup_location

    original = path.read_bytes()
    mode = path.stat().st_mode & 0o7777
    backup = backup_location(path, backup_dir)
    backup.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(backup, original, 0o600)
    write_atomically(path, text.encode("utf-8"), mode)
    return backup


def write_file(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{path.parent}: cannot create folder: {exc.strerror}") from exc
    write_atomically(path, text.encode("utf-8"), 0o644)
