"""Where an object goes at a target Kubernetes version: the newest version of its API family that
the target serves (chaining through intermediate versions), removal when nothing replaces it.
The families are listed in series.py; rows it does not chain fall back to the lifecycle data."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache

from kubehop.convert.series import SERIES, Served
from kubehop.model import GroupVersionKind, KubeVersion


class Action(enum.Enum):
    KEEP = "keep"  # already the newest version the target serves, or not a known built-in API
    CONVERT = "convert"
    REMOVE = "remove"  # removed at the target and nothing replaces it
    UNSERVED = "unserved"  # removed at the target, and its replacement is not served there yet


@dataclass(frozen=True)
class Plan:
    action: Action
    to: GroupVersionKind | None = None


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], tuple[tuple[Served, ...], int]]:
    index: dict[tuple[str, str], tuple[tuple[Served, ...], int]] = {}
    for series in SERIES:
        for pos, row in enumerate(series):
            index.setdefault((row.api_version, row.kind), (series, pos))
    return index


def served_row(api_version: str, kind: str) -> Served | None:
    found = _index().get((api_version, kind))
    return found[0][found[1]] if found else None


def plan_for(api_version: str, kind: str, target: KubeVersion) -> Plan:
    """Where an object of this apiVersion/kind goes at the target: the newest version served there."""
    found = _index().get((api_version, kind))
    if found is None:
        return _plan_from_lifecycle(api_version, kind, target)
    series, pos = found
    newer = [row for row in series[pos + 1 :] if row.served_at(target)]
    if newer:
        return Plan(Action.CONVERT, newer[-1].gvk)
    current = series[pos]
    if current.served_at(target) or (current.removed is None):
        return Plan(Action.KEEP)
    if current.introduced is not None and target < KubeVersion.parse(current.introduced):
        return Plan(Action.KEEP)  # a target older than the API itself: nothing to say here
    later = series[pos + 1 :]
    if any(row.introduced is not None and target < KubeVersion.parse(row.introduced) for row in later):
        return Plan(Action.UNSERVED)
    return Plan(Action.REMOVE)


def _plan_from_lifecycle(api_version: str, kind: str, target: KubeVersion) -> Plan:
    """Rows this table does not chain (e.g. added with --lifecycle): go straight to the replacement."""
    from kubehop.lifecycle import ApiStatus, Lifecycle

    entry = Lifecycle.default().lookup(api_version, kind)
    if entry is None or entry.status_at(target) is not ApiStatus.REMOVED:
        return Plan(Action.KEEP)
    if entry.replacement_gvk is None:
        return Plan(Action.REMOVE)
    if entry.replacement_available_in is not None and target < entry.replacement_available_in:
        return Plan(Action.UNSERVED)
    return Plan(Action.CONVERT, entry.replacement_gvk)


def all_rows() -> tuple[Served, ...]:
    return tuple(row for series in SERIES for row in series)
