"""Run a FixPlan against a release storage: back up first, then write in the plan's crash-safe order."""

from __future__ import annotations

from dataclasses import dataclass

from kubehop.errors import ConflictError, KubehopError
from kubehop.fix.backup import BackupWriter
from kubehop.fix.plan import Create, FixPlan, Outcome
from kubehop.helm.storage.base import ReleaseStorage


@dataclass(frozen=True)
class FixResult:
    name: str
    namespace: str
    helm_major: int
    outcome: Outcome
    detail: str = ""
    source: int | None = None
    new_revision: int | None = None
    written: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def result_of(plan: FixPlan, outcome: Outcome | None = None, detail: str | None = None,
              written: tuple[str, ...] = ()) -> FixResult:
    if detail is None:
        detail = _summary(plan) if plan.outcome is Outcome.FIXED else plan.reason
    return FixResult(plan.name, plan.namespace, plan.helm_major, outcome or plan.outcome, detail, plan.source,
                     plan.new_revision, written, plan.notes)


def _summary(plan: FixPlan) -> str:
    if plan.new_revision is None:
        return "; ".join(w.what for w in plan.writes)
    text = f"revision {plan.new_revision} deployed, converted from revision {plan.source}"
    in_place = sum(1 for w in plan.writes if "converted in place" in w.what)
    return text + (f"; {in_place} older revision(s) converted in place" if in_place else "")


def execute(plan: FixPlan, storage: ReleaseStorage, backup: BackupWriter) -> FixResult:
    """Write the plan. A record that changed since it was read stops the release (never overwritten)."""
    if plan.outcome is not Outcome.FIXED:
        return result_of(plan)
    backup.save_plan(plan)
    written: list[str] = []
    for write in plan.writes:
        try:
            if isinstance(write, Create):
                storage.create(write.release, labels=write.labels, namespace=write.namespace)
            else:
                storage.update(write.release, write.expected)
        except ConflictError as exc:
            done = f" after {', '.join(written)}; run the fix again to finish" if written else "; nothing written"
            return result_of(plan, Outcome.SKIPPED, f"changed concurrently ({exc}){done}", tuple(written))
        except KubehopError as exc:
            done = f" (already written: {', '.join(written)}; the release stays usable, run again to finish)" \
                if written else " (nothing written)"
            return result_of(plan, Outcome.FAILED, f"{write.what} failed: {exc}{done}", tuple(written))
        written.append(write.what)
    return result_of(plan, Outcome.FIXED, _summary(plan), tuple(written))
