"""removed-api-in-release: a manifest Helm must build uses an apiVersion the cluster no longer serves.

Helm builds both manifests before any diff and stops with `unable to build kubernetes objects from
current release manifest: ...` or `... from new release manifest: ...`, followed by client-go's
`resource mapping not found for name: ... no matches for kind ...` (reference 0.7 and 5.1, helm
v3.17.0 pkg/action/upgrade.go and rollback.go; Helm releases built with older client-go say
`current release manifest contains removed kubernetes api(s) ...` for the current manifest).
The fix for the current revision is a rewrite of the stored record (kubehop releases fix / helm
mapkubeapis); mapkubeapis only rewrites the latest one, so a rollback to an older revision still fails.

FAIL:  rollback target revision with extensions/v1beta1 DaemonSet on a 1.19 cluster
PASS:  the same revision rewritten to apps/v1
"""

from __future__ import annotations

from collections.abc import Iterator

from kubehop.check.change import CheckContext, Mode, ObjectChange, Operation, Violation

ID = "removed-api-in-release"
SUMMARY = "a release manifest uses an apiVersion the cluster no longer serves (Helm cannot build it)"


def mapping_error(change: ObjectChange, api_version: str, ctx: CheckContext) -> str:
    """client-go's error for an object whose kind/version the server does not serve."""
    if ctx.helm_version < (3, 0, 0):
        return f'unable to recognize "": no matches for kind "{change.key.kind}" in version "{api_version}"'
    return (f'resource mapping not found for name: "{change.key.name}" namespace: "{change.key.namespace}" from "": '
            f'no matches for kind "{change.key.kind}" in version "{api_version}"\nensure CRDs are installed first')


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    old_api = change.original_api_version
    if old_api and ctx.served.get(old_api) is False:
        yield Violation(
            rule_id=ID, field="apiVersion", old=old_api, new="(not served: rewrite the stored revision)",
            build_stage="current",
            helm_error=mapping_error(change, old_api, ctx),
            message=(
                f"{change.key}: the current revision has it as {old_api}, which this cluster does not serve, so "
                "Helm cannot build the current manifest; rewrite the stored revision first (kubehop releases fix)"
            ),
        )
    if ctx.served.get(change.api_version) is False and change.mode is not Mode.DELETE:
        context = "the manifest to apply" if ctx.operation is Operation.UPGRADE else (
            f"revision {ctx.target_revision}" if ctx.target_revision else "the revision to roll back to")
        yield Violation(
            rule_id=ID, field="apiVersion", old=change.api_version, new="(not served by this cluster)",
            build_stage="new",
            helm_error=mapping_error(change, change.api_version, ctx),
            message=f"{change.key}: {context} uses {change.api_version}, which this cluster does not serve",
        )
