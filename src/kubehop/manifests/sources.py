"""Find what to scan on disk: files, directories (recursive), stdin and Helm charts."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kubehop.errors import ManifestError, UsageError
from kubehop.manifests.charts import is_chart_dir, is_packaged_chart
from kubehop.manifests.reader import decode_text
from kubehop.readfile import read_bytes, special_kind

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class TextSource:
    """A manifest stream to scan."""

    label: str
    text: str


@dataclass(frozen=True)
class ChartSource:
    """A chart directory or packaged chart to render with helm."""

    path: Path


@dataclass(frozen=True)
class Skipped:
    """An input that was not scanned, and why."""

    label: str
    reason: str


Source = TextSource | ChartSource | Skipped


def iter_sources(paths: Sequence[str], stdin: TextIO | None = None) -> Iterator[Source]:
    for raw in paths:
        if raw == "-":
            if stdin is None:
                raise UsageError("-: no standard input to read")
            yield TextSource("-", read_stdin(stdin))
            continue
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"{raw}: no such file or directory")
        if is_chart_dir(path) or is_packaged_chart(path):
            yield ChartSource(path)
        elif path.is_dir():
            yield from _walk(path)
        else:
            kind = special_kind(path.stat().st_mode)
            if kind is not None:
                raise UsageError(f"{raw}: {kind}, not a regular file")
            yield _read_file(path)


def read_stdin(stdin: TextIO) -> str:
    """Standard input as text (UTF-8, or UTF-16 with a BOM); anything else is a ManifestError naming it."""
    buffer = getattr(stdin, "buffer", None)
    try:
        data = buffer.read() if buffer is not None else stdin.read()
    except UnicodeDecodeError as exc:
        raise ManifestError("-: standard input is not UTF-8 text") from exc
    except OSError as exc:
        raise ManifestError(f"-: cannot read standard input: {exc.strerror}") from exc
    if isinstance(data, str):
        return data
    try:
        return decode_text(data, "-")
    except ManifestError as exc:
        reason = str(exc).split(": ", 1)[-1].removesuffix(", skipped")
        raise ManifestError(f"-: standard input is not readable: {reason}") from exc


def _walk(root: Path) -> Iterator[Source]:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames.sort()
        for name in list(dirnames):
            if name.startswith("."):
                dirnames.remove(name)
            elif is_chart_dir(here / name):
                dirnames.remove(name)
                yield ChartSource(here / name)
        for name in sorted(filenames):
            kind = _special(here / name)
            if kind is not None:
                yield Skipped(str(here / name), f"{kind}, skipped")
            elif name.endswith(MANIFEST_SUFFIXES) and not name.startswith("."):
                yield _read_file(here / name)


def _special(path: Path) -> str | None:
    """What a directory entry is when it is a FIFO, socket or device (never opened), else None."""
    try:
        return special_kind(path.stat().st_mode)
    except OSError:
        return None  # a dangling link: reading it reports the error


def _read_file(path: Path) -> TextSource | Skipped:
    try:
        data = read_bytes(path)
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        return TextSource(str(path), decode_text(data, str(path)))
    except ManifestError as exc:
        return Skipped(str(path), str(exc).split(": ", 1)[-1])
