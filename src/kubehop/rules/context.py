"""What every rule gets to see besides the document, and helpers to build findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kubehop.lifecycle import Lifecycle, LifecycleEntry
from kubehop.model import Document, Finding, KubeVersion, Severity


@dataclass(frozen=True)
class RuleContext:
    target: KubeVersion
    lifecycle: Lifecycle


def make_finding(
    doc: Document,
    rule_id: str,
    severity: Severity,
    message: str,
    *,
    sub_id: str = "",
    entry: LifecycleEntry | None = None,
    details: Iterable[tuple[str, str]] = (),
) -> Finding:
    return Finding(
        location=doc.location,
        rule_id=rule_id,
        severity=severity,
        message=message,
        sub_id=sub_id,
        api_version=doc.api_version,
        kind=doc.kind,
        name=doc.name,
        namespace=doc.namespace,
        replacement=entry.replacement_label if entry else "",
        deprecated_in=str(entry.deprecated_in or "") if entry else "",
        removed_in=str(entry.removed_in or "") if entry else "",
        replacement_available_in=str(entry.replacement_available_in or "") if entry else "",
        details=tuple(details),
    )


def describe_lifecycle(entry: LifecycleEntry) -> str:
    """`deprecated in 1.8, removed in 1.16; use apps/v1 (served since 1.9)`."""
    parts = []
    if entry.deprecated_in:
        parts.append(f"deprecated in {entry.deprecated_in}")
    if entry.removed_in:
        parts.append(f"removed in {entry.removed_in}")
    text = ", ".join(parts)
    if entry.replacement_api_version:
        since = f" (served since {entry.replacement_available_in})" if entry.replacement_available_in else ""
        text += f"; use {entry.replacement_label}{since}"
    else:
        text += "; no replacement API"
    return text
