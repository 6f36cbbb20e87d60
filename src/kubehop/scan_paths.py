"""Scan what is on disk (files, directories, stdin, charts): the I/O edge of the scan engine."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TextIO

from kubehop.errors import ManifestError
from kubehop.manifests.charts import ChartOptions, render_chart
from kubehop.manifests.sources import ChartSource, Skipped, TextSource, iter_sources
from kubehop.model import Finding, Location
from kubehop.rules import parse_error
from kubehop.scan import Scanner


def scan_paths(
    paths: Sequence[str], scanner: Scanner, chart_options: ChartOptions, stdin: TextIO | None = None
) -> Iterator[Finding]:
    for source in iter_sources(paths, stdin):
        if isinstance(source, TextSource):
            yield from scanner.scan_text(source.text, Location(path=source.label))
        elif isinstance(source, ChartSource):
            yield from _scan_chart(source, scanner, chart_options)
        elif isinstance(source, Skipped):
            scanner.stats.notes.append(f"{source.label}: {source.reason}")


def _scan_chart(source: ChartSource, scanner: Scanner, chart_options: ChartOptions) -> Iterator[Finding]:
    try:
        rendered = render_chart(source.path, chart_options)
    except ManifestError as exc:
        scanner.stats.sources += 1
        finding = Finding(Location(path=str(source.path)), parse_error.ID, parse_error.SEVERITY, str(exc))
        if scanner.keeps(finding):
            yield finding
        return
    yield from scanner.scan_text(rendered, Location(path=str(source.path)), chart_lines=True)
