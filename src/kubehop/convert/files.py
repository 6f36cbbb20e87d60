"""File I/O for `kubehop convert`: read inputs, back up, replace atomically. Everything else in
this package is pure."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kubehop.convert.documents import is_object, split_documents
from kubehop.convert.live import LiveKey, index_live
from kubehop.errors import ManifestError, UsageError

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def expand_paths(paths: Iterable[str]) -> list[tuple[Path, Path]]:
    """(file, path relative to its argument's folder) for every file; folders are walked in order."""
    found: list[tuple[Path, Path]] = []
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in MANIFEST_SUFFIXES)
            found += [(f, f.relative_to(path)) for f in files]
        elif path.is_file():
            found.append((path, Path(path.name)))
        else:
            raise UsageError(f"{arg}: no such file or directory")
    return found


def read_text(path: Path) -> str:
    """The file's exact text (no newline translation), or a ManifestError naming it."""
    try:
        data = path.read_bytes()
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


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename over `path`."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_path(path: Path, stamp: str | None = None) -> Path:
    stamp = stamp or time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    candidate = path.with_name(f"{path.name}.kubehop-{stamp}.bak")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.kubehop-{stamp}-{n}.bak")
    return candidate


def replace_with_backup(path: Path, text: str) -> Path:
    """Back the file up (mode 0600, synced) first, then replace it atomically; returns the backup."""
    original = path.read_bytes()
    mode = path.stat().st_mode & 0o7777
    backup = backup_path(path)
    _write_new(backup, original, 0o600)
    _write_new(path, text.encode("utf-8"), mode)
    return backup


def write_file(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{path.parent}: cannot create folder: {exc.strerror}") from exc
    _write_new(path, text.encode("utf-8"), 0o644)
