"""Text for `releases fix`: the per-release dry-run diff and the summary table (pure functions)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable

from kubehop.fix.convert import RevisionConversion, change_lines
from kubehop.fix.execute import FixResult
from kubehop.fix.plan import FixPlan, Outcome
from kubehop.manifests import Chunk, iter_chunks, parse_chunk
from kubehop.manifests.sniff import sniff
from kubehop.model import Document, Location
from kubehop.report.plain_table import text_table

HELM = {2: "v2", 3: "v3", 0: "?"}


def _where(name: str, namespace: str) -> str:
    return f"{namespace}/{name}" if namespace else name


def _is_secret(chunk: Chunk) -> bool:
    sniffed = sniff(chunk)
    if sniffed is not None:
        return sniffed[1] == "Secret"
    return any(isinstance(d, Document) and d.kind == "Secret" for d in parse_chunk(chunk, Location("-")))


def hide_secrets(manifest: str) -> str:
    """The manifest with every Secret's content replaced by one line, so no diff context shows its data."""
    out: list[str] = []
    pos = 0
    for chunk in iter_chunks(manifest):
        out.append(manifest[pos:chunk.start])  # the document marker
        secret = not chunk.is_empty and _is_secret(chunk)
        where = f" ({chunk.template})" if chunk.template else ""
        out.append(f"\n# a Secret{where}: content not shown\n" if secret else chunk.text)
        pos = chunk.end
    out.append(manifest[pos:])
    return "".join(out)


def _diff(release: str, conversion: RevisionConversion, new_revision: int | None) -> list[str]:
    lines: list[str] = []
    after = f"revision {new_revision}" if new_revision is not None else f"revision {conversion.revision} (in place)"
    for part in conversion.parts:
        if not part.changed:
            continue
        lines += difflib.unified_diff(
            hide_secrets(part.before).splitlines(keepends=True), hide_secrets(part.after).splitlines(keepends=True),
            fromfile=f"{release} revision {conversion.revision} {part.part}", tofile=f"{release} {after} {part.part}")
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
    return lines


def render_plan(plan: FixPlan, result: FixResult | None = None) -> str:
    """What a dry run shows for one release: decision, writes, conversions, notes and the unified diffs.
    With the dry run's `result`, a release the planned revisions would not fix says so and why."""
    head = f"=== {_where(plan.name, plan.namespace)} (Helm {HELM.get(plan.helm_major, '?')}): "
    not_fixed = result is not None and result.outcome is Outcome.NOT_FIXED
    if plan.outcome is not Outcome.FIXED:
        out = [head + (f"{Outcome.NOT_FIXED.value}: {result.detail}\n" if result is not None and not_fixed
                       else f"{plan.outcome.value}: {plan.reason}\n")]
        out += [f"  note: {n}\n" for n in plan.notes]
        return "".join(out)
    out = [head + (f"{Outcome.NOT_FIXED.value}: {result.detail}\n" if result is not None and not_fixed
                   else "would fix\n")]
    out += [f"  would {w.what}\n" for w in plan.writes]
    for conversion in plan.conversions:
        changes = change_lines(conversion.changes)
        if changes:
            out.append(f"  conversions in revision {conversion.revision}:\n")
            out += [f"    {line}\n" for line in changes]
        for note in conversion.notes:
            out.append(f"    note: {note}\n")
    out += [f"  note: {n}\n" for n in plan.notes]
    for index, conversion in enumerate(plan.conversions):
        out += _diff(plan.name, conversion, plan.new_revision if index == 0 else None)
    return "".join(out)



def label(outcome: Outcome, dry_run: bool) -> str:
    if dry_run and outcome is Outcome.FIXED:
        return "would fix"
    return outcome.value


def render_summary(results: Iterable[FixResult], *, dry_run: bool) -> str:
    """A row for each release fixed, skipped or failed (unchanged ones are counted), its notes (a failed
    or pending latest revision, an earlier fix finished), then the totals."""
    counts = dict.fromkeys(Outcome, 0)
    rows = []
    notes = []
    for result in results:
        counts[result.outcome] += 1
        if result.outcome is not Outcome.UNCHANGED:
            rows.append((result.name, result.namespace, HELM.get(result.helm_major, "?"),
                         label(result.outcome, dry_run), " ".join(result.detail.split())))
        notes += [f"note: {_where(result.name, result.namespace)}: {note}\n" for note in result.notes]
    text = text_table(("RELEASE", "NAMESPACE", "HELM", "RESULT", "DETAIL"), rows) if rows else ""
    fixed = "would fix" if dry_run else "fixed"
    not_fixed = f", not fixed {counts[Outcome.NOT_FIXED]}" if counts[Outcome.NOT_FIXED] else ""
    return text + "".join(notes) + (f"{fixed} {counts[Outcome.FIXED]}, unchanged {counts[Outcome.UNCHANGED]}, "
                                    f"skipped {counts[Outcome.SKIPPED]}, failed {counts[Outcome.FAILED]}"
                                    f"{not_fixed}\n")


def render_json(results: Iterable[FixResult], *, dry_run: bool) -> str:
    """The same summary for machines: one object per release (unchanged ones included) and the totals."""
    releases = [{"name": r.name, "namespace": r.namespace, "helmVersion": r.helm_major,
                 "result": label(r.outcome, dry_run), "detail": r.detail, "sourceRevision": r.source,
                 "newRevision": r.new_revision, "written": list(r.written), "notes": list(r.notes)}
                for r in results]
    totals = {o.value: sum(1 for r in releases if r["result"] == label(o, dry_run)) for o in Outcome}
    return json.dumps({"kubehopResultVersion": "1", "command": "releases fix", "dryRun": dry_run,
                       "releases": releases, "totals": totals}, indent=2) + "\n"
