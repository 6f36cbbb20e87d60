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
from kubehop.rules.context import RuleContext, lifecycle_finding

ID = "removed-api"
SEVERITY = Severity.REMOVED
SUMMARY = "apiVersion/kind is not served at the target version"
# check() reads only these top-level keys, so the scan parses no more of a document than them.
READS = ("apiVersion", "kind", "metadata")


def interested(api_version: str, kind: str, ctx: RuleContext) -> bool:
    return ctx.lifecycle.status(api_version, kind, ctx.target) is ApiStatus.REMOVED


def check(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    return lifecycle_finding(doc, ctx, ApiStatus.REMOVED, ID, SEVERITY, "is not served in")
