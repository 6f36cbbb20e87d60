"""rollback-untracked: the revision to roll back to holds an object the current revision does not, and
it exists live.

`helm rollback` hands both manifests to the same update as an upgrade, but without adoption: for an
object of the target that exists in the cluster and has no counterpart in the current manifest,
Helm stops with `no <Kind> with the name "<name>" found` (helm v3 pkg/kube/client.go Update). Objects
kept with `helm.sh/resource-policy: keep` or created by hand are the usual cause. Only reported when
the live objects were supplied (--live or --cluster): otherwise nobody knows whether it exists.

FAIL:  revision 2 has ConfigMap settings, revision 3 dropped it (kept), the ConfigMap is live
PASS:  the ConfigMap was deleted, so Helm creates it
"""

from __future__ import annotations

from collections.abc import Iterator

from kubehop.check.change import CheckContext, LiveSource, ObjectChange, Operation, Violation

ID = "rollback-untracked"
SUMMARY = "rollback target holds a live object the current revision does not (Helm stops: no <Kind> ... found)"


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    if ctx.operation is not Operation.ROLLBACK or change.live_source is not LiveSource.SUPPLIED:
        return
    if change.original is not None or change.original_api_version or change.live is None:
        return  # tracked, or a group move (api-group-change reports that)
    yield Violation(
        rule_id=ID, field="metadata.name", old="(not in the current revision)", new=change.key.name,
        helm_error=f'no {change.key.kind} with the name "{change.key.name}" found',
        message=(
            f"{change.key} exists in the cluster but not in the current revision, so Helm has nothing to patch "
            "it against and stops the rollback; delete it first (Helm then creates it) or roll back to a revision "
            "without it"
        ),
    )
