"""removed-api: the object's apiVersion/kind is no longer served at the target version.

`kubectl apply` and `helm upgrade` fail with `no matches for kind ... in version ...`. The finding names
the replacement apiVersion, the version it was removed in and the version since which the replacement
is served, so the manifest can be moved before the hop.

FAIL at --target 1.16:  apiVersion: extensions/v1beta1 / kind: DaemonSet
PASS at --target 1.16:  apiVersion: apps/v1 / kind: DaemonSet
"""

from __future__ import annotations

from collections.abc import Iterator

from kubehop.lifecycle import ApiStatus
from kubehop.model import Document, Finding, Severity
from kubehop.rules.context import RuleContext, describe_lifecycle, make_finding

ID = "removed-api"
SEVERITY = Severity.REMOVED
SUMMARY = "apiVersion/kind is not served at the target version"
# check() reads only these top-level keys, so the scan parses no more of a document than them.
READS = ("apiVersion", "kind", "metadata")


def interested(api_version: str, kind: str, ctx: RuleContext) -> bool:
    return ctx.lifecycle.status(api_version, kind, ctx.target) is ApiStatus.REMOVED


def check(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    entry = ctx.lifecycle.lookup(doc.api_version, doc.kind)
    if entry is None or entry.status_at(ctx.target) is not ApiStatus.REMOVED:
        return
    yield make_finding(
        doc,
        ID,
        SEVERITY,
        f"{doc.api_version} {doc.kind} is not served in {ctx.target}: {describe_lifecycle(entry, ctx.target)}",
        sub_id=f"{doc.api_version}/{doc.kind}",
        entry=entry,
        target=ctx.target,
    )
