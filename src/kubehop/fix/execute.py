"""Run a FixPlan against a release storage: back up first, then write in the plan's crash-safe order."""

from __future__ import annotations

from dataclasses import dataclass

from kubehop.errors import ConflictError, KubehopError
from kubehop.fix import verify
from kubehop.fix.backup import BackupWriter
from kubehop.fix.plan import Create, FixPlan, Outcome
from kubehop.helm.storage.base import ReleaseStorage
from kubehop.model import KubeVersion


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


def _unchanged_leftovers(plan: FixPlan, target: KubeVersion) -> str:
    """An unchanged release is only left alone when its deployed revision is clean at the target."""
    if plan.outcome is not Outcome.UNCHANGED or not plan.conversions or plan.source is None:
        return ""
    parts = [(p.part, p.after) for p in plan.conversions[0].parts]
    return verify.reason(verify.scan_parts(plan.name, plan.namespace, plan.source, parts, target), target)


def preview(plan: FixPlan, target: KubeVersion) -> FixResult:
    """What a dry run reports: the plan, checked as `execute` checks what it wrote (on the planned revisions)."""
    if plan.outcome is Outcome.FIXED:
        left = verify.check(verify.planned(plan), target)
        if left:
            return result_of(plan, Outcome.NOT_FIXED, f"would write {_summary(plan)}, but {left}")
    left = _unchanged_leftovers(plan, target)
    return result_of(plan, Outcome.NOT_FIXED, f"nothing kubehop can convert, but {left}") if left else result_of(plan)


def execute(plan: FixPlan, storage: ReleaseStorage, backup: BackupWriter, target: KubeVersion) -> FixResult:
    """Write the plan, then prove it: what was written is read back from the storage and scanned at the target.

    A record that changed since it was read stops the release (never overwritten). A release whose
    written revisions still hold something the target does not serve is `not fixed` (its backup restores it).
    """
    if plan.outcome is not Outcome.FIXED:
        left = _unchanged_leftovers(plan, target)
        return result_of(plan, Outcome.NOT_FIXED, f"nothing kubehop can convert, but {left}") if left \
            else result_of(plan)
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
    left = verify.check(verify.stored(plan, storage), target)
    if left:
        return result_of(plan, Outcome.NOT_FIXED, f"wrote {_summary(plan)}, but read back from the storage it is "
                         f"{left}; `releases restore-backup` of this run's backup puts the release back",
                         tuple(written))
    return result_of(plan, Outcome.FIXED, _summary(plan), tuple(written))
