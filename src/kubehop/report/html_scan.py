"""The scan page (`-o html` of `scan` and `releases scan`): summary, bar charts and a sortable, filterable table.

A page is built from `Row`s, a finding with an optional cluster, so a report over several clusters reuses
it: when any row names a cluster, the table gets a Cluster column and the page a chart by cluster.
Only finding fields are shown (kind, name, location, message): never an object's data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kubehop.model import Finding, Severity
from kubehop.report.common import ReportMeta, summary, summary_line
from kubehop.report.html_page import bar_chart, esc, page, slug

NONE_LABEL = "(none)"


@dataclass(frozen=True)
class Row:
    finding: Finding
    cluster: str = ""


# A column: header, then (text, sort key) of a row; a sort key of "" sorts by the text.
Column = tuple[str, Callable[[Row], tuple[str, str]]]


def _severity(row: Row) -> tuple[str, str]:
    return str(row.finding.severity), str(int(row.finding.severity))


def _location(row: Row) -> tuple[str, str]:
    loc = row.finding.location
    if loc.release is not None:
        return f"release {loc.namespace or '-'}/{loc.release} in {loc.path}", ""
    text = loc.path if loc.template or loc.line is None else f"{loc.path}:{loc.line}"
    return text, ""


def origin(finding: Finding) -> tuple[str, str]:
    """The template or revision a finding came from, for charts and releases ("" for a plain file)."""
    loc = finding.location
    parts = []
    key = ""
    if loc.release is not None and loc.revision is not None:
        parts.append(f"revision {loc.revision}" + (f" ({loc.status})" if loc.status else ""))
        key = f"{loc.revision:09d}"
    if loc.template:
        parts.append(f"{loc.template}:{loc.line}" if loc.line else loc.template)
    return " · ".join(parts), key


def namespace(finding: Finding) -> str:
    """The object's namespace; for a release object that names none, the release's (where Helm put it)."""
    loc = finding.location
    return finding.namespace or (loc.namespace or "" if loc.release is not None else "")


def _object(row: Row) -> tuple[str, str]:
    f = row.finding
    return (f"{f.kind}/{f.name}" if f.name else f.kind), ""


def _replacement(row: Row) -> tuple[str, str]:
    f = row.finding
    return f.replacement + (f" ({f.replacement_available_in}+)" if f.replacement_available_in else ""), ""


def _version_key(text: str) -> str:
    numbers = [int(n) for n in text.replace("v", "").split(".") if n.isdigit()]
    return ".".join(f"{n:04d}" for n in numbers) if numbers and len(numbers) == len(text.split(".")) else ""


COLUMNS: tuple[Column, ...] = (
    ("Severity", _severity),
    ("Rule", lambda r: (r.finding.tag, "")),
    ("Object", _object),
    ("Namespace", lambda r: (namespace(r.finding), "")),
    ("API version", lambda r: (r.finding.api_version, "")),
    ("Replacement", _replacement),
    ("Deprecated in", lambda r: (r.finding.deprecated_in, _version_key(r.finding.deprecated_in))),
    ("Removed in", lambda r: (r.finding.removed_in, _version_key(r.finding.removed_in))),
    ("Location", _location),
    ("Template or revision", lambda r: origin(r.finding)),
    ("Message", lambda r: (r.finding.message, "")),
)
CLUSTER_COLUMN: Column = ("Cluster", lambda r: (r.cluster, ""))


def _counts(values: Sequence[str]) -> list[tuple[str, int]]:
    counted = Counter(value or NONE_LABEL for value in values)
    return sorted(counted.items(), key=lambda item: (-item[1], item[0]))


def charts(rows: Sequence[Row]) -> str:
    findings = [r.finding for r in rows]
    by_severity = [(str(s), sum(1 for f in findings if f.severity is s)) for s in reversed(Severity)]
    parts = [
        bar_chart("chart-severity", "Findings by severity", by_severity,
                  [f"sev-{label}" for label, _ in by_severity]),
        bar_chart("chart-api", "Findings by API group/version", _counts([f.api_version for f in findings])),
        bar_chart("chart-namespace", "Findings by namespace", _counts([namespace(f) for f in findings])),
    ]
    if any(r.cluster for r in rows):
        parts.append(bar_chart("chart-cluster", "Findings by cluster", _counts([r.cluster for r in rows])))
    return f'<div class="charts">{"".join(parts)}</div>'


def _cards(rows: Sequence[Row], meta: ReportMeta) -> str:
    counts = summary([r.finding for r in rows], meta)
    items = [("findings", counts["findings"])] + [(str(s), counts[str(s)]) for s in reversed(Severity)]
    items += [("documents", meta.documents), ("sources", meta.sources)]
    cards = "".join(f'<li><span>{esc(label)}</span> <strong data-summary="{esc(label)}">{value}</strong></li>'
                    for label, value in items)
    return f'<ul class="cards" aria-label="Counts">{cards}</ul>'


def _cell(column: Column, row: Row) -> str:
    header, getter = column
    text, key = getter(row)
    attrs = f' data-sort="{esc(key)}"' if key else ""
    extra = f" sev sev-{esc(text)}" if header == "Severity" else ""
    return f'<td class="c-{slug(header)}{extra}"{attrs}>{esc(text)}</td>'


def table(rows: Sequence[Row]) -> str:
    columns = COLUMNS[:1] + ((CLUSTER_COLUMN,) if any(r.cluster for r in rows) else ()) + COLUMNS[1:]
    heads = "".join(f'<th scope="col"><button type="button">{esc(h)}</button></th>' for h, _ in columns)
    body = "".join("<tr>" + "".join(_cell(c, row) for c in columns) + "</tr>" for row in rows)
    return (
        '<div class="filter"><label for="filter">Filter findings</label>'
        '<input type="search" id="filter" aria-controls="findings" placeholder="kind, name, rule, path, text…">'
        f'<span id="filter-status" role="status" aria-live="polite">{len(rows)} of {len(rows)} findings shown</span>'
        "</div>"
        '<div class="scroll" role="region" aria-labelledby="findings-caption" tabindex="0">'
        f'<table id="findings"><caption id="findings-caption" class="muted">Every finding, in scan order; '
        "select a column header to sort by it</caption>"
        f"<thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def render_rows(rows: Sequence[Row], meta: ReportMeta, heading: str = "") -> str:
    findings = [r.finding for r in rows]
    target = f" at target {meta.target}" if meta.target else ""
    heading = heading or f"kubehop {meta.command}{target}"
    intro = f'<p class="status{" bad" if findings else ""}">{esc(summary_line(findings, meta))}</p>'
    sections = [
        f'<section aria-labelledby="summary"><h2 id="summary">Summary</h2>{_cards(rows, meta)}{charts(rows)}'
        "</section>",
        f'<section aria-labelledby="all"><h2 id="all">Findings</h2>{table(rows)}</section>',
    ]
    nav = [("summary", "Summary"), ("all", "Findings")]
    if meta.notes:
        notes = "".join(f"<li>{esc(note)}</li>" for note in meta.notes)
        sections.append(f'<section aria-labelledby="notes"><h2 id="notes">Notes</h2><ul>{notes}</ul></section>')
        nav.append(("notes", "Notes"))
    version = f" {meta.tool_version}" if meta.tool_version else ""
    return page(heading, heading, intro, nav, "\n".join(sections), f"Generated by kubehop{version}.")


def render(findings: Sequence[Finding], meta: ReportMeta) -> str:
    return render_rows([Row(f) for f in findings], meta)
