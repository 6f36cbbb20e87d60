"""Plain-text table for terminals: one row per finding, then the messages that need reading."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kubehop.model import Finding
from kubehop.report.common import ReportMeta, summary_line

Column = tuple[str, Callable[[Finding], str]]

COLUMNS: tuple[Column, ...] = (
    ("LOCATION", lambda f: _location(f)),
    ("OBJECT", lambda f: f"{f.kind}/{f.name}" if f.name else f.kind),
    ("API VERSION", lambda f: f.api_version),
    ("RULE", lambda f: f.rule_id),
    ("REPLACEMENT", lambda f: _replacement(f)),
    ("DEPRECATED", lambda f: f.deprecated_in),
    ("REMOVED", lambda f: f.removed_in),
)
_API_RULES = ("removed-api", "deprecated-api")


def _location(f: Finding) -> str:
    """A chart template's own path is shorter and says more than the chart directory."""
    loc = f.location
    if loc.template and loc.release is None:
        where = f"{loc.template}:{loc.line}" if loc.line else loc.template
        return where if loc.item is None else f"{where} {loc.item}"
    return str(loc)


def _replacement(f: Finding) -> str:
    return f.replacement + (f" ({f.replacement_available_in}+)" if f.replacement_available_in else "")


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def render(findings: Sequence[Finding], meta: ReportMeta) -> str:
    if not findings:
        return f"No findings. {summary_line(findings, meta)}\n" + _notes(meta)
    rows = [[getter(f) for _, getter in COLUMNS] for f in findings]
    out = [format_table([h for h, _ in COLUMNS], rows), ""]
    explained = [f for f in findings if f.rule_id not in _API_RULES]
    if explained:
        out.append("Details:")
        out += [f"- {f.location}: [{f.tag}] {f.message}" for f in explained]
        out.append("")
    out.append(summary_line(findings, meta))
    return "\n".join(out) + "\n" + _notes(meta)


def _notes(meta: ReportMeta) -> str:
    return "".join(f"note: {note}\n" for note in meta.notes)
