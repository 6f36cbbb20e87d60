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
            yield TextSource("-", stdin.read())
            continue
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"{raw}: no such file or directory")
        if is_chart_dir(path) or is_packaged_chart(path):
            yield ChartSource(path)
        elif path.is_dir():
            yield from _walk(path)
        else:
            yield _read_file(path)


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
            if name.endswith(MANIFEST_SUFFIXES) and not name.startswith("."):
                yield _read_file(here / name)


def _read_file(path: Path) -> TextSource | Skipped:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        return TextSource(str(path), decode_text(data, str(path)))
    except ManifestError as exc:
        return Skipped(str(path), str(exc).split(": ", 1)[-1])
