"""What every rule gets to see besides the document, and helpers to build findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kubehop.lifecycle import AddonTimeline, ApiStatus, Lifecycle, LifecycleEntry
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
    target: KubeVersion | None = None,
    details: Iterable[tuple[str, str]] = (),
) -> Finding:
    replacement, available = ("", "")
    if entry is not None:
        replacement, available = replacement_label(entry, target), str(entry.replacement_available_in or "")
        step = entry.replacement_at(target) if target is not None else None
        if step is not None:
            available = str(step[2] or "")
        if entry.addon is not None:
            available = entry.addon.replacement_since
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
        replacement=replacement,
        deprecated_in=entry.deprecated_label if entry else "",
        removed_in=entry.removed_label if entry else "",
        replacement_available_in=available,
        details=tuple(details),
    )


def replacement_label(entry: LifecycleEntry, target: KubeVersion | None) -> str:
    """The apiVersion (and kind, when it changes) to move to at the target."""
    step = entry.replacement_at(target) if target is not None else None
    if step is None:
        return entry.replacement_label
    api_version, kind, _ = step
    return api_version if kind == entry.kind else f"{api_version} {kind}"


def describe_lifecycle(entry: LifecycleEntry, target: KubeVersion) -> str:
    """`deprecated in 1.8, removed in 1.16; use apps/v1 (served since 1.9)`."""
    parts = []
    if entry.deprecated_label:
        parts.append(f"deprecated in {entry.deprecated_label}")
    if entry.removed_label:
        parts.append(f"removed in {entry.removed_label}")
    text = ", ".join(parts)
    if entry.addon is not None:
        return text + _addon_replacement(entry, entry.addon)
    step = entry.replacement_at(target)
    if step is None:
        return text + "; no replacement API"
    if step[2] is not None and step[2] > target:
        return text + f"; no replacement is served at {target} yet: {entry.replacement_label} is served from {step[2]}"
    since = f" (served since {step[2]})" if step[2] else ""
    text += f"; use {replacement_label(entry, target)}{since}"
    if step[0] != entry.replacement_api_version:
        text += f", then {entry.replacement_label} once on {entry.replacement_available_in}+"
    return text


def _addon_replacement(entry: LifecycleEntry, addon: AddonTimeline) -> str:
    if entry.replacement_api_version:
        since = f" (served since {addon.replacement_since})" if addon.replacement_since else ""
        return f"; use {entry.replacement_label}{since}"
    if addon.replacement_later:
        return f"; no replacement is served by {addon.at} yet: {addon.replacement_later}"
    return "; no replacement API"


def lifecycle_finding(doc: Document, ctx: RuleContext, status: ApiStatus, rule_id: str, severity: Severity,
                      verb: str) -> Iterator[Finding]:
    """The finding of the API-status rules: the document's apiVersion/kind has `status` at the target."""
    entry = ctx.lifecycle.lookup(doc.api_version, doc.kind)
    if entry is None or entry.status_at(ctx.target) is not status:
        return
    yield make_finding(
        doc,
        rule_id,
        severity,
        f"{doc.api_version} {doc.kind} {verb} {entry.where(ctx.target)}: {describe_lifecycle(entry, ctx.target)}",
        sub_id=f"{doc.api_version}/{doc.kind}",
        entry=entry,
        target=ctx.target,
        # An add-on row names its source: the add-on's facts are not the Kubernetes deprecation guide.
        details=(("source", entry.source),) if entry.addon is not None else (),
    )
