"""selector-template-mismatch: the template labels after the update do not satisfy the selector.

The apiserver requires every workload's selector to match its pod template labels:
`` spec.template.metadata.labels: Invalid value: map[string]string{...}: `selector` does not match
template `labels` `` (reference 2.1.3). The classic cause is a label the old API copied into the
defaulted selector whose value moves with every release (`chart: x-1.2.3`, `heritage: Tiller`,
`version`): the new chart renders a new value into the template while the live selector keeps the
old one (reference 5.3 case C, 6.2 step 3). A selector-less manifest is reported by selector-missing.

FAIL:  live selector {app: x, chart: x-1.2.3}, new template labels {app: x, chart: x-1.3.0}
PASS:  template labels keep chart: x-1.2.3 (frozen) while the selector is the exact live one
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubehop.check.change import CheckContext, ObjectChange, Violation
from kubehop.check.messages import mismatch_error
from kubehop.check.selectors import (
    WORKLOAD_KINDS,
    format_labels,
    format_selector,
    match_labels,
    selector_matches,
    selector_of,
    template_labels,
    unmatched_keys,
)

ID = "selector-template-mismatch"
SUMMARY = "pod template labels do not match the (immutable) selector"

VOLATILE_KEYS = frozenset({"chart", "helm.sh/chart", "heritage", "version", "app.kubernetes.io/version"})
_VERSIONED = re.compile(r"\d+\.\d+")


def moves_with_release(key: str, *values: str) -> bool:
    """A label whose value changes with the chart version or the Helm generation."""
    return key in VOLATILE_KEYS or any(_VERSIONED.search(v) for v in values)


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    if change.key.kind not in WORKLOAD_KINDS:
        return
    selector = selector_of(change.result)
    if selector is None:
        return
    labels = template_labels(change.result)
    if selector_matches(selector, labels):
        return
    wanted = match_labels(selector)
    have = labels or {}
    parts = []
    moving = []
    for key in unmatched_keys(selector, labels):
        got = have.get(key)
        parts.append(f"{key}={wanted[key]} (template: {got if got is not None else 'missing'})")
        if moves_with_release(key, wanted[key], got or ""):
            moving.append(key)
    message = f"{change.key}: the selector {format_selector(selector)} does not match the template labels"
    if parts:
        message += " at " + ", ".join(parts)
    if moving:
        verb = "moves" if len(moving) == 1 else "move"
        message += f"; {', '.join(moving)} {verb} with each release: keep the live value frozen in the template"
    yield Violation(
        rule_id=ID, field="spec.template.metadata.labels",
        old=format_labels(template_labels(change.live)) if change.live is not None else "(new object)",
        new=format_labels(labels), errors=(mismatch_error(labels),), message=message,
        extra=(("selector", format_selector(selector)),
               *((("moving_labels", ", ".join(moving)),) if moving else ())),
    )
