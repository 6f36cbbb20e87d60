"""force-is-put: what `--force` changes. In Helm 3 it is a PUT of the render, not delete-and-recreate.

Helm 3's `upgrade --force` and `rollback --force` skip the three-way patch and replace the object
with the render (`failed to replace object: ...`); immutable fields are still validated, and a PUT
is stricter than a patch: fields the chart omits are reset (a defaulted selector that the chart
spells as a subset, a bound claim's volumeName, a Job's generated selector). Only Helm 2 fell back to
delete and create (reference section 4, "How --force changes the outcome"; helm#7082).

With --force: a warning for each object that fails only because of the PUT, and a note when the
object fails either way (--force does not help). Without --force: a note for each object that
passes with the patch but would fail with --force.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubehop.check.change import CheckContext, Mode, ObjectChange, Violation
from kubehop.check.objects import with_mode
from kubehop.model import Severity

ID = "force-is-put"
SUMMARY = "Helm 3 --force is a PUT (not delete-and-recreate): immutable fields still fail, and more"


def _rejected_fields(change: ObjectChange, ctx: CheckContext) -> set[str]:
    from kubehop.check.engine import field_violations  # the engine runs this rule too

    return {f"{v.rule_id}:{v.field}" for v in field_violations(change, ctx) if v.severity >= Severity.REMOVED}


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    if change.mode is Mode.CREATE:
        return
    other = with_mode(change, Mode.PATCH if change.mode is Mode.PUT else Mode.PUT)
    now, then = _rejected_fields(change, ctx), _rejected_fields(other, ctx)
    if change.mode is Mode.PUT:
        put_only = sorted(f.split(":", 1)[1] for f in now) if not then else []
        if put_only:
            yield Violation(
                rule_id=ID, field=", ".join(put_only), old="patch: accepted", new="put (--force): rejected",
                severity=Severity.WARNING,
                message=(
                    f"{change.key}: rejected only because of --force ({', '.join(put_only)}): Helm 3 --force PUTs "
                    "the render and resets what the chart omits; a plain upgrade/rollback would pass"
                ),
            )
        if now and then:
            yield Violation(
                rule_id=ID, field="--force", old="", new="", severity=Severity.INFO,
                message=(
                    f"{change.key}: --force does not help: Helm 3 --force is a PUT, not delete-and-recreate, and "
                    "immutable fields are still checked; delete the object (kubectl delete --cascade=orphan) and "
                    "let Helm recreate it"
                ),
            )
        return
    put_only = sorted(f.split(":", 1)[1] for f in then)
    if put_only and not now:
        yield Violation(
            rule_id=ID, field=", ".join(put_only), old="patch: accepted", new="put (--force): rejected",
            severity=Severity.INFO,
            message=(
                f"{change.key}: passes as a patch, but `--force` would fail on {', '.join(put_only)} "
                "(Helm 3 --force is a PUT of the render, not delete-and-recreate): do not use --force"
            ),
        )
