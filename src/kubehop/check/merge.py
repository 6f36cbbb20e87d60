"""What the apiserver will validate after Helm 3 updates an object.

Helm 3 builds a three-way strategic merge patch (original = the object in the release manifest Helm
diffs against, modified = the new render, current = the live object; overwrite on) and PATCHes it;
with `--force` it PUTs the new render instead (reference section 4 "How --force changes the
outcome" and section 5.1). The patch sets every field the new render spells differently from the
live object, deletes every key the original had and the render dropped, and leaves everything else
(server defaults, keys neither manifest mentions) as it is live. That is why a selector the old API
defaulted survives an upgrade whose chart does not mention it, and why a rollback to a revision
without `spec.selector` sends `selector: null` when the current revision has one.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

# Lists Kubernetes merges by a key (patchMergeKey in the API types) instead of replacing them.
_MERGE_KEYS: dict[str, tuple[str, ...]] = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "volumes": ("name",),
    "env": ("name",),
    "volumeMounts": ("mountPath",),
    "imagePullSecrets": ("name",),
    "hostAliases": ("ip",),
    "ports": ("containerPort", "port"),
}


def three_way_merge(
    original: Mapping[str, Any] | None, modified: Mapping[str, Any], current: Mapping[str, Any]
) -> dict[str, Any]:
    """The live object after Helm's PATCH (strategic merge, overwrite=true)."""
    return _merge_maps(original or {}, modified, current)


def replaced(modified: Mapping[str, Any]) -> dict[str, Any]:
    """The object after Helm's `--force` PUT: exactly the render (the server re-defaults the rest)."""
    return copy.deepcopy(dict(modified))


def _merge_maps(original: Mapping[str, Any], modified: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(dict(current))
    for key in original:
        if key not in modified:
            result.pop(key, None)
    for key, new in modified.items():
        if new is None:
            result.pop(key, None)
            continue
        live = current.get(key)
        old = original.get(key)
        if isinstance(new, Mapping) and isinstance(live, Mapping):
            result[key] = _merge_maps(old if isinstance(old, Mapping) else {}, new, live)
        elif isinstance(new, list) and isinstance(live, list) and _merge_key(key, new, live) is not None:
            result[key] = _merge_lists(
                _merge_key(key, new, live) or "", old if isinstance(old, list) else [], new, live
            )
        else:
            result[key] = copy.deepcopy(new)
    return result


def _merge_key(field: str, *lists: list[Any]) -> str | None:
    for candidate in _MERGE_KEYS.get(field, ()):
        items = [item for items in lists for item in items]
        if items and all(isinstance(item, Mapping) and candidate in item for item in items):
            return candidate
    return None


def _merge_lists(key: str, original: list[Any], modified: list[Any], current: list[Any]) -> list[Any]:
    def by_key(items: list[Any]) -> dict[Any, Mapping[str, Any]]:
        return {item.get(key): item for item in items if isinstance(item, Mapping)}

    old, live = by_key(original), by_key(current)
    wanted = [item.get(key) for item in modified if isinstance(item, Mapping)]
    merged: list[Any] = []
    for item in modified:
        if not isinstance(item, Mapping):
            continue
        ident = item.get(key)
        if ident in live:
            merged.append(_merge_maps(old.get(ident, {}), item, live[ident]))
        else:
            merged.append(copy.deepcopy(dict(item)))
    # Items the server or someone else added stay; items the original had and the render dropped go.
    for ident, item in live.items():
        if ident not in wanted and ident not in old:
            merged.append(copy.deepcopy(dict(item)))
    return merged
