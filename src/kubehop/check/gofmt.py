"""Values spelled the way the apiserver prints them in `Invalid value: ...` (Go's %#v, sorted map keys).

Source of the shapes: apimachinery field/errors.go (ErrorBody) and the messages quoted in
shared reference api-conversions-and-immutable-fields.md sections 4 and 9.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


def go_quote(text: str) -> str:
    """Go's %q for printable text (JSON escaping is the same for the characters labels may hold)."""
    return json.dumps(text, ensure_ascii=False)


def go_string_map(labels: Mapping[str, Any] | None) -> str:
    """`map[string]string{"app":"web", "chart":"web-1.0.0"}`; nil prints as `map[string]string(nil)`."""
    if labels is None:
        return "map[string]string(nil)"
    body = ", ".join(f"{go_quote(str(k))}:{go_quote(str(v))}" for k, v in sorted(labels.items()))
    return f"map[string]string{{{body}}}"


def go_string_slice(values: Sequence[Any] | None, type_name: str = "string") -> str:
    if values is None:
        return f"[]{type_name}(nil)"
    return f"[]{type_name}{{{', '.join(go_quote(str(v)) for v in values)}}}"


def _requirement(item: Mapping[str, Any]) -> str:
    values = item.get("values")
    return (
        f"v1.LabelSelectorRequirement{{Key:{go_quote(str(item.get('key', '')))}, "
        f"Operator:{go_quote(str(item.get('operator', '')))}, "
        f"Values:{go_string_slice(values if isinstance(values, list) else None)}}}"
    )


def go_label_selector(selector: Mapping[str, Any] | None) -> str:
    """A LabelSelector as the immutability error prints it; a missing selector prints as "null"."""
    if selector is None:
        return '"null"'
    labels = selector.get("matchLabels")
    exprs = selector.get("matchExpressions")
    label_text = go_string_map(labels if isinstance(labels, Mapping) and labels else None)
    if isinstance(exprs, list) and exprs:
        items = ", ".join(_requirement(e) for e in exprs if isinstance(e, Mapping))
        expr_text = f"[]v1.LabelSelectorRequirement{{{items}}}"
    else:
        expr_text = "[]v1.LabelSelectorRequirement(nil)"
    return f"v1.LabelSelector{{MatchLabels:{label_text}, MatchExpressions:{expr_text}}}"


def go_role_ref(ref: Mapping[str, Any] | None) -> str:
    ref = ref or {}
    return (
        f"rbac.RoleRef{{APIGroup:{go_quote(str(ref.get('apiGroup', '')))}, "
        f"Kind:{go_quote(str(ref.get('kind', '')))}, Name:{go_quote(str(ref.get('name', '')))}}}"
    )


def go_scalar(value: Any) -> str:
    """int/bool print bare, strings quoted, anything else as compact JSON (an approximation)."""
    if value is None:
        return '"null"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return go_quote(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
