"""Renderers for findings, one per output format, in one registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from kubehop.errors import UsageError
from kubehop.model import Finding
from kubehop.report import ci, html_scan, structured, table, tabular
from kubehop.report.common import ReportMeta, exit_code_for, finding_record

Renderer = Callable[[Sequence[Finding], ReportMeta], str]

FORMATS: Mapping[str, Renderer] = MappingProxyType(
    {
        "table": table.render,
        "json": structured.render_json,
        "yaml": structured.render_yaml,
        "markdown": tabular.render_markdown,
        "csv": tabular.render_csv,
        "sarif": ci.render_sarif,
        "junit": ci.render_junit,
        "html": html_scan.render,
    }
)


def render(findings: Sequence[Finding], fmt: str, meta: ReportMeta) -> str:
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise UsageError(f"unknown output format {fmt!r} (known: {', '.join(FORMATS)})") from None
    return renderer(findings, meta)


__all__ = ["FORMATS", "ReportMeta", "exit_code_for", "finding_record", "render"]
