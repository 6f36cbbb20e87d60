"""Helm 2's `--force`: PATCH first; when the patch fails, delete the object and create it again.

That is what turned the seed's rollback into `failed to create resource: DaemonSet.apps ... is
invalid: ... selector does not match template labels`: the patch was refused, the DaemonSet deleted,
and the selector-less revision could not be created (reference section 4, helm v2.17.0
pkg/kube/client.go). When the create is refused too, the object is gone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from kubehop.check.change import CheckContext, Mode, ObjectChange, Violation
from kubehop.check.merge import replaced
from kubehop.model import Severity

RULE_ID = "force-is-put"


def applies(ctx: CheckContext, change: ObjectChange) -> bool:
    return ctx.force and ctx.helm_version < (3, 0, 0) and change.mode is Mode.PATCH


def delete_and_create(
    change: ObjectChange,
    patch_violations: Sequence[Violation],
    ctx: CheckContext,
    evaluate: Callable[[ObjectChange, CheckContext], list[Violation]],
    patch_error: str,
) -> tuple[ObjectChange, list[Violation]]:
    """The change as Helm 2 --force carries it out after a refused patch, and what it finds then."""
    recreate = dataclasses.replace(change, mode=Mode.CREATE, result=replaced(change.target))
    demoted = [
        dataclasses.replace(v, severity=Severity.INFO, errors=(), object_error="", helm_error="",
                            extra=(*v.extra, ("patch_error", patch_error)),
                            message=v.message + " (the patch is refused, so Helm 2 --force deletes the object and "
                                                "creates it again)")
        for v in patch_violations
    ]
    created = evaluate(recreate, ctx)
    refused = any(v.severity >= Severity.REMOVED for v in created)
    note = Violation(
        rule_id=RULE_ID, field="--force", old="patch: refused", new="create: refused" if refused else "create: ok",
        severity=Severity.REMOVED if refused else Severity.WARNING,
        message=(
            f"{change.key}: Helm 2 --force deletes it after the refused patch and "
            + ("cannot create it again: the object is gone until the chart is fixed" if refused else
               "creates it again: expect downtime, a new clusterIP or volume for Services and claims")
        ),
    )
    return recreate, [*demoted, *created, note]
