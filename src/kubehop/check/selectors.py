"""Label selectors: reading them from objects, matching labels, and comparing them as the apiserver does.

Equality follows apimachinery's Semantic.DeepEqual: map order is irrelevant, nil and empty are equal,
list order is significant (reference section 6.2, step 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.check.paths import get_path

WORKLOAD_KINDS = frozenset({"Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"})


def selector_of(obj: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    value = get_path(obj, "spec", "selector")
    return value if isinstance(value, Mapping) else None


def template_labels(obj: Mapping[str, Any] | None) -> dict[str, str] | None:
    value = get_path(obj, "spec", "template", "metadata", "labels")
    if not isinstance(value, Mapping):
        return None
    return {str(k): str(v) for k, v in value.items()}


def match_labels(selector: Mapping[str, Any] | None) -> dict[str, str]:
    labels = selector.get("matchLabels") if selector else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {}


def match_expressions(selector: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    exprs = selector.get("matchExpressions") if selector else None
    return [e for e in exprs if isinstance(e, Mapping)] if isinstance(exprs, list) else []


def _normal(selector: Mapping[str, Any] | None) -> tuple[tuple[tuple[str, str], ...], tuple[Any, ...]] | None:
    if selector is None:
        return None
    exprs = tuple(
        (str(e.get("key", "")), str(e.get("operator", "")), tuple(str(v) for v in e.get("values") or ()))
        for e in match_expressions(selector)
    )
    return tuple(sorted(match_labels(selector).items())), exprs


def selectors_equal(left: Mapping[str, Any] | None, right: Mapping[str, Any] | None) -> bool:
    return _normal(left) == _normal(right)


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str] | None) -> bool:
    """LabelSelectorAsSelector semantics: a nil selector matches nothing, an empty one everything."""
    if selector is None:
        return False
    labels = labels or {}
    for key, value in match_labels(selector).items():
        if labels.get(key) != value:
            return False
    for expr in match_expressions(selector):
        key, operator = str(expr.get("key", "")), str(expr.get("operator", ""))
        values = {str(v) for v in expr.get("values") or ()}
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def unmatched_keys(selector: Mapping[str, Any] | None, labels: Mapping[str, str] | None) -> list[str]:
    """matchLabels keys whose value the template labels lack or spell differently."""
    labels = labels or {}
    return sorted(k for k, v in match_labels(selector).items() if labels.get(k) != v)


def format_selector(selector: Mapping[str, Any] | None) -> str:
    """Compact human spelling: `{app=web, chart=web-1.0.0}` (plus expressions), or `(none)`."""
    if selector is None:
        return "(none)"
    parts = [f"{k}={v}" for k, v in sorted(match_labels(selector).items())]
    for expr in match_expressions(selector):
        values = ",".join(str(v) for v in expr.get("values") or ())
        parts.append(f"{expr.get('key')} {expr.get('operator')} ({values})" if values else
                     f"{expr.get('key')} {expr.get('operator')}")
    return "{" + ", ".join(parts) + "}"


def format_labels(labels: Mapping[str, str] | None) -> str:
    if labels is None:
        return "(none)"
    return "{" + ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) + "}"
