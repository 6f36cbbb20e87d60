"""Plain-text table for terminals: findings grouped by source, then the messages that need reading.

The table fits `meta.width` columns when one is given: stage by stage, optional columns are left out
and the widest cells shortened with an ellipsis, and the message of every row cut short is listed
below it. Without a width every column is shown in full.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kubehop.model import Finding, Severity
from kubehop.report.common import ReportMeta, summary_line


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Finding], str]
    min_width: int = 0  # may be shortened down to this width (0: never shortened) ...
    shrink_rank: int = 0  # ... lowest rank first
    drop_rank: int = 0  # > 0: may be left out to fit, lowest rank first
    keep: str = "start"  # what a shortened cell keeps: its start, its "end" (a line number) or its "version"


def _where(f: Finding) -> str:
    """Inside a source group: the chart template or line (the group heading names the file, chart or release)."""
    loc = f.location
    if loc.release is None and loc.path.startswith(_CLUSTER) and "/" in loc.path:
        return loc.path.split("/", 1)[1]  # namespace/resource/name#evidence under the context's heading
    if loc.template:
        template = loc.template
        if "/" in template:  # CHART/templates/x.yaml under the chart's or release's heading
            template = template.split("/", 1)[1]
        where = f"{template}:{loc.line}" if loc.line else template
    else:
        where = str(loc.line) if loc.line is not None else "-"
    return where if loc.item is None else f"{where} {loc.item}"


def _replacement(f: Finding) -> str:
    return f.replacement + (f" ({f.replacement_available_in}+)" if f.replacement_available_in else "")


COLUMNS: tuple[Column, ...] = (
    Column("WHERE", _where, min_width=8, shrink_rank=3, keep="end"),
    Column("SEVERITY", lambda f: str(f.severity)),
    Column("OBJECT", lambda f: f"{f.kind}/{f.name}" if f.name else f.kind, min_width=12, shrink_rank=3),
    Column("API VERSION", lambda f: f.api_version, min_width=12, shrink_rank=2, keep="version"),
    Column("REPLACEMENT", _replacement, min_width=12, shrink_rank=1, drop_rank=3),
    Column("DEPRECATED", lambda f: f.deprecated_in, drop_rank=1),
    Column("REMOVED", lambda f: f.removed_in, drop_rank=3),
    Column("RULE", lambda f: f.rule_id, min_width=12, shrink_rank=1, drop_rank=2),
)
INDENT = "  "
_CLUSTER = "cluster:"  # live objects: cluster:CONTEXT/[NAMESPACE/]RESOURCE/NAME#EVIDENCE
_API_RULES = ("removed-api", "deprecated-api")
_IMPLIED = ("DEPRECATED", "RULE")  # left out, they hide nothing the Details do not say
_COLORS = {
    Severity.ERROR: "\033[1;31m",
    Severity.REMOVED: "\033[1;31m",
    Severity.DEPRECATED: "\033[33m",
    Severity.WARNING: "\033[35m",
    Severity.INFO: "\033[36m",
}
_RESET = "\033[0m"


def source_of(f: Finding) -> str:
    """The group a finding is listed under: its file, chart, or release revision."""
    loc = f.location
    if loc.release is not None:
        return f"{loc.namespace or '-'}/{loc.release}#{loc.revision}" + (f" ({loc.status})" if loc.status else "")
    if loc.path.startswith(_CLUSTER):
        return loc.path.split("/", 1)[0]  # cluster:CONTEXT
    return loc.path


def _total(widths: Sequence[int]) -> int:
    return len(INDENT) + sum(widths) + 2 * (len(widths) - 1)


def _shrink(columns: list[Column], widths: list[int], width: int, up_to: int) -> list[int]:
    """Widths shortened, widest first among the columns of shrink rank <= up_to, until a row fits."""
    widths = list(widths)
    while _total(widths) > width:
        shrinkable = [i for i, c in enumerate(columns) if 0 < c.shrink_rank <= up_to and widths[i] > c.min_width]
        if not shrinkable:
            break
        widths[max(shrinkable, key=lambda i: widths[i])] -= 1
    return widths


# (optional columns left out up to this drop rank, columns shortened up to this shrink rank), tried in order:
# a column of little worth goes before the names and places are cut short.
_STAGES = ((0, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3))


def _fit(columns: list[Column], widths: list[int], width: int | None) -> tuple[list[Column], list[int]]:
    """The columns and widths of the first stage whose rows fit `width` (None: no limit), else the last."""
    if width is None:
        return columns, widths
    chosen: tuple[list[Column], list[int]] = (columns, widths)
    for dropped, shrunk in _STAGES:
        keep = [i for i, c in enumerate(columns) if not 0 < c.drop_rank <= dropped]
        kept = [columns[i] for i in keep]
        chosen = kept, _shrink(kept, [widths[i] for i in keep], width, shrunk)
        if _total(chosen[1]) <= width:
            break
    return chosen


def _cell(text: str, width: int, keep: str = "start") -> str:
    """text, or text shortened to `width` with an ellipsis where it says least."""
    if len(text) <= width:
        return text
    if keep == "end":  # templates/daemonset.yaml:12 -> …daemonset.yaml:12
        return "…" + text[len(text) - width + 1:]
    version = text[text.rfind("/"):] if keep == "version" and "/" in text else ""
    if version and len(version) + 2 <= width:  # extensions/v1beta1 -> ext…/v1beta1
        return text[: width - 1 - len(version)] + "…" + version
    return text[: width - 1] + "…"


def _line(cells: Sequence[str], widths: Sequence[int], colored: int = -1, severity: Severity | None = None,
          columns: Sequence[Column] = ()) -> str:
    """One row; the cell at index `colored` (the severity) is coloured after padding, so columns stay aligned."""
    keep = [c.keep for c in columns] or ["start"] * len(cells)
    parts = [_cell(c, w, k).ljust(w) for c, w, k in zip(cells, widths, keep, strict=True)]
    if severity is not None and 0 <= colored < len(parts):
        word = parts[colored].rstrip()
        parts[colored] = f"{_COLORS[severity]}{word}{_RESET}" + parts[colored][len(word):]
    return (INDENT + "  ".join(parts)).rstrip()


def format_table(findings: Sequence[Finding], width: int | None = None,
                 color: bool = False) -> tuple[list[str], set[int]]:
    """The grouped table's lines (per source: a heading, the column headers, one row per finding), and
    the findings (by index) whose row lost something to fit `width`: a shortened cell, or a value in a
    column left out (but DEPRECATED and RULE: the severity implies the API rules, the others are listed)."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(source_of(f), []).append(f)
    columns = list(COLUMNS)
    cells = {id(f): [c.cell(f) for c in columns] for f in findings}
    used = [i for i, c in enumerate(columns) if c.header in ("WHERE", "SEVERITY", "OBJECT")
            or any(cells[id(f)][i] for f in findings)]  # a column empty in every row is left out
    columns = [columns[i] for i in used]
    rows = {key: [cells[key][i] for i in used] for key in cells}
    widths = [max(len(c.header), *(len(r[i]) for r in rows.values())) for i, c in enumerate(columns)]
    fitted, widths = _fit(columns, widths, width)
    index = [columns.index(c) for c in fitted]
    shown = dict(zip(index, widths, strict=True))
    cut = {n for n, f in enumerate(findings)
           if any(text and (len(text) > shown[i] if i in shown else columns[i].header not in _IMPLIED)
                  for i, text in enumerate(rows[id(f)]))}
    colored = next(i for i, c in enumerate(fitted) if c.header == "SEVERITY") if color else -1
    out: list[str] = []
    for source, members in groups.items():
        if out:
            out.append("")
        out.append(_cell(source, width) if width else source)
        out.append(_line([c.header for c in fitted], widths))
        out += [_line([rows[id(f)][i] for i in index], widths, colored, f.severity, fitted) for f in members]
    hidden = [c.header for c in columns if c not in fitted]
    if hidden:
        out += ["", *_wrap(f"(left out to fit {width} columns: {', '.join(hidden)}; --wide shows every column)",
                           width)]
    return out, cut


def _wrap(text: str, width: int | None) -> list[str]:
    if not width:
        return [text]
    return textwrap.wrap(text, width, subsequent_indent="  ", break_on_hyphens=False, break_long_words=True)


def render(findings: Sequence[Finding], meta: ReportMeta) -> str:
    summary = summary_line(findings, meta)
    if not findings:
        return "\n".join(_wrap(summary[:1].upper() + summary[1:], meta.width)) + "\n"
    table, cut = format_table(findings, meta.width, meta.color)
    out = [*table, ""]
    # The messages that need reading, and those of rows the width cut short (all they hid is said there).
    explained = [f for n, f in enumerate(findings) if n in cut or f.rule_id not in _API_RULES]
    if explained:
        out.append("Details:")
        for f in explained:
            out += _wrap(f"- {f.location}: [{f.tag}] {f.message}", meta.width)
        out.append("")
    # Rows of add-on packs carry their source (kubehop's own Kubernetes rows are documented in docs/lifecycle.md).
    sources = dict.fromkeys(f"- {f.api_version} {f.kind}: {value}" for f in findings
                            for key, value in f.details if key == "source")
    if sources:
        out += ["Sources:", *sources, ""]
    out += _wrap(summary, meta.width)
    return "\n".join(out) + "\n"
