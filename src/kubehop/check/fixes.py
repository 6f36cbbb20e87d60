"""The safe chart fix for selector problems (reference 6.2): the live selector, exactly, in the chart.

For each workload whose selector Helm would change, drop or fail to match: put the live object's
selector into the chart, every key and value (matchExpressions too, in order), and keep every
selector label in the pod template with the live value, freezing labels that move with each
release (`chart: x-1.2.3`, `heritage: Tiller`). That is the only spelling that passes a plain
upgrade, `--force`, server-side apply and later rollbacks alike.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from kubehop.check.change import CheckContext, LiveSource, ObjectChange, ObjectKey
from kubehop.check.objects import object_key
from kubehop.check.rules.selector_template_mismatch import moves_with_release
from kubehop.check.selectors import (
    WORKLOAD_KINDS,
    format_selector,
    match_labels,
    selector_of,
    selectors_equal,
    template_labels,
)

SELECTOR_RULES = frozenset({"selector-missing", "selector-changed", "selector-template-mismatch"})


@dataclass(frozen=True)
class SelectorFix:
    key: ObjectKey
    selector: Mapping[str, Any]  # the live selector, exactly
    keep_labels: tuple[tuple[str, str], ...]  # template labels that must stay, with these values
    moving: tuple[str, ...]  # of those, labels whose value moves with releases: freeze them
    live_source: LiveSource
    template: str = ""  # the chart template that renders the object, when known

    def summary(self) -> str:
        text = (f"set spec.selector of {self.key} to exactly {format_selector(self.selector)} and keep "
                f"{', '.join(f'{k}={v}' for k, v in self.keep_labels)} in spec.template.metadata.labels")
        if self.moving:
            text += f" (freeze {', '.join(self.moving)}: do not render them from the chart version)"
        if self.live_source is LiveSource.INFERRED:
            text += "; selector inferred from the release history: confirm it with --live or a cluster"
        return text

    def snippet(self) -> str:
        """YAML to merge into the chart template (or to use as a strategic merge patch)."""
        body = {"spec": {"selector": _plain(self.selector),
                         "template": {"metadata": {"labels": dict(self.keep_labels)}}}}
        text = yaml.safe_dump(body, sort_keys=False, default_flow_style=False)
        lines = []
        for line in text.splitlines():
            stripped = line.strip()
            key = stripped.split(":", 1)[0]
            if key in self.moving and line.startswith("      ") and not stripped.endswith(":"):
                line += "  # frozen: this value must not follow the chart version"
            lines.append(line)
        where = f" ({self.template})" if self.template else ""
        return f"# {self.key}{where}: the live selector, exactly\n" + "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def selector_fix(change: ObjectChange, ctx: CheckContext) -> SelectorFix | None:
    """The fix for this workload, or None when there is nothing to fix or no live selector to copy."""
    if change.key.kind not in WORKLOAD_KINDS:
        return None
    live = selector_of(change.live)
    if live is None:
        return None
    target = selector_of(change.target)
    labels = template_labels(change.target) or {}
    keep = match_labels(live)
    if target is not None and selectors_equal(target, live) and all(labels.get(k) == v for k, v in keep.items()):
        return None
    moving = tuple(sorted(k for k, v in keep.items() if moves_with_release(k, v, labels.get(k, ""))))
    return SelectorFix(
        key=change.key, selector=copy.deepcopy(dict(live)), keep_labels=tuple(sorted(keep.items())), moving=moving,
        live_source=change.live_source, template=ctx.templates.get(f"{change.key.kind}/{change.key.name}", ""),
    )


def apply_selector_fixes(
    docs: Sequence[Mapping[str, Any]], fixes: Sequence[SelectorFix], namespace: str
) -> list[dict[str, Any]]:
    """The manifest with the fixes applied (what the chart renders once fixed); the input is not changed."""
    by_key = {(f.key.kind, f.key.namespace, f.key.name): f for f in fixes}
    out: list[dict[str, Any]] = []
    for doc in docs:
        fixed = copy.deepcopy(dict(doc))
        key = object_key(doc, namespace)
        fix = by_key.get((key.kind, key.namespace, key.name))
        if fix is not None:
            spec = fixed.setdefault("spec", {})
            spec["selector"] = copy.deepcopy(dict(fix.selector))
            labels = spec.setdefault("template", {}).setdefault("metadata", {}).setdefault("labels", {})
            labels.update(dict(fix.keep_labels))
        out.append(fixed)
    return out
