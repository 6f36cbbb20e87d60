"""The whole-upgrade ordering, printed as steps: fix charts first, then Kubernetes, then charts
again; roll back in reverse (the order that worked in the seed upgrade from 1.16 to 1.19)."""

from __future__ import annotations

from collections.abc import Sequence

from kubehop.check.change import CheckContext, Operation
from kubehop.check.fixes import SelectorFix


def plan_steps(
    ctx: CheckContext, fixes: Sequence[SelectorFix], rejected: bool, safe_revisions: Sequence[int] | None = None
) -> tuple[str, ...]:
    """The steps; `safe_revisions` (rollback) are the stored revisions the same check accepts."""
    release = ctx.release or "RELEASE"
    floor = f"revision {ctx.current_revision + 1}" if ctx.current_revision else "the fixed revision"
    if not fixes and not rejected:
        return ()
    steps: list[str] = []
    if ctx.operation is Operation.ROLLBACK and rejected:
        target = f"revision {ctx.target_revision}" if ctx.target_revision else "that revision"
        if safe_revisions:
            listed = ", ".join(str(r) for r in safe_revisions)
            where = f"revision {listed}" if len(safe_revisions) == 1 else f"one of revisions {listed}"
            instead = f"Roll back to {where} instead (the same check passes for them)"
        elif safe_revisions is not None:
            instead = "No stored revision passes the same check"
        else:
            instead = "Roll back only to a revision whose manifest carries the live selectors"
        steps.append(
            f"Do not roll {release} back to {target}: the apiserver will reject it. {instead}, or roll forward: "
            f"`helm upgrade {release}` with the chart of {target} plus the fixes shown."
        )
    what = f"apply the {len(fixes)} selector fix(es) shown" if fixes else "make the changes named in the findings"
    steps += [
        f"Fix the chart first, on the current Kubernetes version: {what}, keeping apiVersions that both the "
        f"old and the new Kubernetes serve (apps/v1). Check with `kubehop check upgrade {release} --chart CHART`, "
        f"then `helm upgrade {release} CHART` (without --force). That makes {floor} the rollback floor.",
        "Back up etcd (`kubehop etcd backup`), then upgrade Kubernetes.",
        f"Upgrade the chart again (new chart version, new apiVersions) once `kubehop check upgrade {release} "
        "--chart NEW_CHART` passes.",
        f"To roll back, go in reverse: first the chart, to {floor} or later (`kubehop check rollback {release} "
        "--to-revision N` must pass; never to a revision without the selectors) ...",
        "... then Kubernetes (restore the etcd snapshot on every control-plane member, and re-apply credentials "
        "rotated since the snapshot).",
    ]
    return tuple(steps)
