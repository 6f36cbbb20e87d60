"""Small helpers for reading nested plain mappings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def get_path(obj: Mapping[str, Any] | None, *keys: str) -> Any:
    """obj[k1][k2]...; None as soon as a step is missing or not a mapping."""
    current: Any = obj
    for key in keys:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def diff_paths(old: Any, new: Any, prefix: str = "", limit: int = 5) -> list[tuple[str, str, str]]:
    """Up to `limit` (path, old, new) leaf differences; list items are named by `name` when they have one."""
    found: list[tuple[str, str, str]] = []
    _diff(old, new, prefix, found, limit)
    return found


def _label(index: int, item: Any) -> str:
    if isinstance(item, Mapping) and "name" in item:
        return f"[name={item['name']}]"
    meta = item.get("metadata") if isinstance(item, Mapping) else None
    if isinstance(meta, Mapping) and "name" in meta:
        return f"[name={meta['name']}]"
    return f"[{index}]"


def _diff(old: Any, new: Any, path: str, found: list[tuple[str, str, str]], limit: int) -> None:
    if len(found) >= limit or old == new:
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new), key=str):
            _diff(old.get(key), new.get(key), f"{path}.{key}" if path else str(key), found, limit)
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff(a, b, f"{path}{_label(index, b)}", found, limit)
        return
    found.append((path, _short(old), _short(new)))


def _short(value: Any, width: int = 80) -> str:
    if value is None:
        return "(none)"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= width else text[: width - 3] + "..."


def describe(changes: list[tuple[str, str, str]], field: str, side: int) -> str:
    """`path=value; ...` for one side (1 old, 2 new) of diff_paths; the bare value when the path is the field."""
    return "; ".join(c[side] if c[0] == field else f"{c[0].removeprefix(field).lstrip('.')}={c[side]}"
                     for c in changes)
