"""missing-selector: a workload in an old API has no spec.selector.

extensions/v1beta1 (Deployment, DaemonSet, ReplicaSet) and apps/v1beta1 (Deployment, StatefulSet)
defaulted `spec.selector` to all template labels; apps/v1beta2 and apps/v1 require it and make it
immutable. Once the workload is served through apps/v1, a chart without the exact stored selector
fails (`spec.selector: Required value`, or `selector does not match template labels` when a label
such as `chart: web-1.2.3` moves with the chart). The finding names the selector the live object
has (offline: the template labels the old API defaulted it to) and the labels that are volatile.

FAIL:  extensions/v1beta1 DaemonSet with only spec.template.metadata.labels
PASS:  the same with spec.selector.matchLabels equal to the live selector
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from kubehop.lifecycle import ApiStatus
from kubehop.model import Document, Finding, Severity
from kubehop.rules.context import RuleContext, make_finding

ID = "missing-selector"
SEVERITY = Severity.REMOVED
SUMMARY = "workload in an old API without spec.selector (apps/v1 requires it, immutable)"

WORKLOAD_KINDS = frozenset({"Deployment", "DaemonSet", "StatefulSet", "ReplicaSet"})
OLD_WORKLOAD_APIS = frozenset({"extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"})
DEFAULTING_APIS = frozenset({"extensions/v1beta1", "apps/v1beta1"})
_VOLATILE_KEYS = frozenset({"chart", "helm.sh/chart", "heritage", "app.kubernetes.io/version", "version"})
_VERSIONED_VALUE = re.compile(r"(^|[-_v])\d+\.\d+(\.\d+)?")


def interested(api_version: str, kind: str, ctx: RuleContext) -> bool:
    if kind not in WORKLOAD_KINDS or api_version not in OLD_WORKLOAD_APIS:
        return False
    return ctx.lifecycle.status(api_version, kind, ctx.target) in (ApiStatus.REMOVED, ApiStatus.DEPRECATED)


def volatile_labels(labels: Mapping[str, Any]) -> list[str]:
    """Labels whose value changes with a chart release or Helm version (unsafe in a selector)."""
    return sorted(
        key for key, value in labels.items()
        if key in _VOLATILE_KEYS or _VERSIONED_VALUE.search(str(value)) is not None
    )


def _template_labels(obj: Mapping[str, Any]) -> dict[str, str]:
    spec = obj.get("spec")
    template = spec.get("template") if isinstance(spec, Mapping) else None
    meta = template.get("metadata") if isinstance(template, Mapping) else None
    labels = meta.get("labels") if isinstance(meta, Mapping) else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {}


def _has_selector(obj: Mapping[str, Any]) -> bool:
    spec = obj.get("spec")
    selector = spec.get("selector") if isinstance(spec, Mapping) else None
    return isinstance(selector, Mapping) and bool(selector.get("matchLabels") or selector.get("matchExpressions"))


def check(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    if not interested(doc.api_version, doc.kind, ctx) or _has_selector(doc.obj):
        return
    status = ctx.lifecycle.status(doc.api_version, doc.kind, ctx.target)
    severity = SEVERITY if status is ApiStatus.REMOVED else Severity.WARNING
    labels = _template_labels(doc.obj)
    selector = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()))
    details = [("selector", selector), ("selector_source", "template labels (as the old API defaulted them)")]
    if doc.api_version in DEFAULTING_APIS:
        message = (
            f"{doc.kind} {doc.name or '(unnamed)'} has no spec.selector: {doc.api_version} defaulted it to the "
            f"template labels {{{selector}}}; apps/v1 requires it and makes it immutable, so set "
            "spec.selector.matchLabels to the live object's exact selector"
        )
    else:
        message = (
            f"{doc.kind} {doc.name or '(unnamed)'} has no spec.selector, which {doc.api_version} and apps/v1 "
            f"require; use the live object's selector (template labels: {{{selector}}})"
        )
    volatile = volatile_labels(labels)
    if volatile:
        details.append(("volatile_labels", ", ".join(volatile)))
        message += (
            f"; labels {', '.join(volatile)} change with chart releases: keep their current values frozen in "
            "both the selector and the template labels"
        )
    yield make_finding(doc, ID, severity, message, sub_id=f"{doc.kind}/{doc.name}", details=details)
