"""api-group-change: the manifest moves a kind to another API group (extensions -> apps, ...).

Helm 3.17.1+ (and 4.1.1+) match release objects by group and kind, Helm 4.0.0-4.1.0 by the full
apiVersion (reference 5.1; helm#30631, helm#31656). An object whose apiVersion moves from
`extensions/v1beta1` to `apps/v1`, `networking.k8s.io/v1` or `policy/v1beta1` is then "a new object
plus an old one to delete": `helm upgrade` adopts and patches the live object, then deletes the
old-group entry, and while the cluster still serves the old group that deletes the same object.
`helm rollback` to the old-group revision does not adopt and fails with
`no <Kind> with the name "<name>" found`. Helm <= 3.17.0 matched by kind only and is not affected.

FAIL:  current revision Ingress extensions/v1beta1, new manifest networking.k8s.io/v1, Helm 3.17.3
PASS:  the current revision rewritten to networking.k8s.io/v1 first (kubehop releases fix)
"""

from __future__ import annotations

from collections.abc import Iterator

from kubehop.check.change import CheckContext, ObjectChange, Operation, Violation
from kubehop.check.objects import identity_differs
from kubehop.model import Severity

ID = "api-group-change"
SUMMARY = "kind moves to another API group: Helm 3.17.1+ patches then deletes it (helm#30631)"


def _helm(ctx: CheckContext) -> str:
    return ".".join(str(p) for p in ctx.helm_version)


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    old_api = change.original_api_version
    if not identity_differs(old_api, change.api_version, ctx.helm_version):
        return
    served = ctx.served.get(old_api)
    if ctx.operation is Operation.UPGRADE:
        if served is False:
            return  # the old group is gone: Helm's delete finds nothing (and removed-api-in-release applies)
        still = "the cluster still serves it" if served else "if the cluster still serves it"
        yield Violation(
            rule_id=ID, field="apiVersion", old=old_api, new=change.api_version,
            severity=Severity.REMOVED if served else Severity.WARNING,
            message=(
                f"{change.key}: Helm {_helm(ctx)} matches objects by API group, so it patches the live object "
                f"as {change.api_version} and then deletes the {old_api} entry of the current revision; "
                f"{still}, that deletes this very object (helm#30631). Rewrite the current revision to "
                f"{change.api_version} first (kubehop releases fix / helm mapkubeapis) or use Helm <= 3.17.0"
            ),
        )
        return
    if change.live is None:
        return
    yield Violation(
        rule_id=ID, field="apiVersion", old=old_api, new=change.api_version,
        helm_error=f'no {change.key.kind} with the name "{change.key.name}" found',
        message=(
            f"{change.key}: the revision to roll back to has it as {change.api_version}, the current one as "
            f"{old_api}; Helm {_helm(ctx)} matches by API group and does not adopt on rollback, so the rollback "
            "stops here. Roll back to a revision that uses the same apiVersion, or rewrite that revision first"
        ),
    )
