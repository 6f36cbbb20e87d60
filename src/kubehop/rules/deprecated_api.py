"""deprecated-api: the object's apiVersion/kind still works at the target but is deprecated.

It is removed in a later version (named in the finding when known): move it while both are served.

FAIL at --target 1.19:  apiVersion: networking.k8s.io/v1beta1 / kind: Ingress   (removed in 1.22)
PASS at --target 1.19:  apiVersion: networking.k8s.io/v1 / kind: Ingress
"""

from __future__ import annotations

from collections.abc import Iterator

from kubehop.lifecycle import ApiStatus
from kubehop.model import Document, Finding, Severity
from kubehop.rules.context import RuleContext, lifecycle_finding

ID = "deprecated-api"
SEVERITY = Severity.DEPRECATED
SUMMARY = "apiVersion/kind is deprecated at the target version"
# check() reads only these top-level keys, so the scan parses no more of a document than them.
READS = ("apiVersion", "kind", "metadata")


def interested(api_version: str, kind: str, ctx: RuleContext) -> bool:
    return ctx.lifecycle.status(api_version, kind, ctx.target) is ApiStatus.DEPRECATED


def check(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    return lifecycle_finding(doc, ctx, ApiStatus.DEPRECATED, ID, SEVERITY, "is deprecated in")
