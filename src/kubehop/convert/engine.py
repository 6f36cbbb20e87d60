"""Chaining converters: find a path of registered steps and run them, collecting notes."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubehop.convert.model import (
    NO_DECISIONS,
    ConversionResult,
    ConvertContext,
    Converter,
    Decisions,
    Edge,
    Note,
    NoteKind,
    fresh,
)
from kubehop.convert.serving import Action, plan_for
from kubehop.errors import ConversionError
from kubehop.model import GroupVersionKind, KubeVersion


def find_path(
    registry: Mapping[Edge, Converter], source: GroupVersionKind, target: GroupVersionKind
) -> list[Edge] | None:
    """The shortest chain of registered steps from source to target (breadth-first)."""
    if source == target:
        return []
    steps: dict[GroupVersionKind, list[Edge]] = {}
    for edge in registry:
        steps.setdefault(edge[0], []).append(edge)
    seen = {source}
    queue: deque[tuple[GroupVersionKind, list[Edge]]] = deque([(source, [])])
    while queue:
        node, path = queue.popleft()
        for edge in sorted(steps.get(node, ()), key=str):
            if edge[1] == target:
                return [*path, edge]
            if edge[1] not in seen:
                seen.add(edge[1])
                queue.append((edge[1], [*path, edge]))
    return None


def run_chain(
    registry: Mapping[Edge, Converter], obj: Mapping[str, Any], target: GroupVersionKind, ctx: ConvertContext
) -> ConversionResult:
    source = GroupVersionKind.from_api_version(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
    path = find_path(registry, source, target)
    if path is None:
        raise ConversionError(f"no conversion from {source} to {target}")
    current: Mapping[str, Any] = obj
    notes: list[Note] = []
    result = ConversionResult(fresh(obj))  # converting to its own version: an independent copy
    for edge in path:
        result = registry[edge](current, ctx)
        notes.extend(n for n in result.notes if n not in notes)
        current = result.obj
    return ConversionResult(result.obj, tuple(notes))


@dataclass(frozen=True)
class TargetConversion:
    """What happens to one object at a target version: kept, converted (obj set) or removed (obj None)."""

    action: Action
    obj: Mapping[str, Any] | None
    notes: tuple[Note, ...] = ()
    error: str = ""  # set when a converter refused; the object is then kept unchanged

    @property
    def changed(self) -> bool:
        return self.action in (Action.CONVERT, Action.REMOVE) and not self.error


def convert_to_target(
    registry: Mapping[Edge, Converter],
    obj: Mapping[str, Any],
    target: KubeVersion,
    live: Mapping[str, Any] | None = None,
    repairs: Mapping[GroupVersionKind, Converter] | None = None,
    decisions: Decisions = NO_DECISIONS,
) -> TargetConversion:
    api_version, kind = str(obj.get("apiVersion", "")), str(obj.get("kind", ""))
    ctx = ConvertContext(live=live, decisions=decisions, target=target)
    plan = plan_for(api_version, kind, target)
    if plan.action is Action.KEEP:
        repair = (repairs or {}).get(GroupVersionKind.from_api_version(api_version, kind))
        if repair is None:
            return TargetConversion(Action.KEEP, obj)
        fixed = repair(obj, ctx)
        action = Action.CONVERT if fixed.obj != dict(obj) else Action.KEEP
        return TargetConversion(action, fixed.obj if action is Action.CONVERT else obj, fixed.notes)
    if plan.action is Action.REMOVE:
        return TargetConversion(
            Action.REMOVE,
            None,
            (
                Note(
                    NoteKind.DROPPED,
                    (
                        f"{api_version} {kind} is not served by Kubernetes {target} and nothing replaces it: "
                        "the object was removed from the manifest"
                    )
                    + _removal_hint(api_version, kind),
                ),
            ),
        )
    if plan.action is Action.UNSERVED or plan.to is None:
        message = f"{api_version} {kind} is not served by Kubernetes {target} and its replacement is not served yet"
        return TargetConversion(Action.UNSERVED, obj, (Note(NoteKind.DECISION, message),), error=message)
    try:
        result = run_chain(registry, obj, plan.to, ctx)
    except ConversionError as exc:
        return TargetConversion(Action.CONVERT, obj, (Note(NoteKind.DECISION, str(exc)),), error=str(exc))
    return TargetConversion(Action.CONVERT, result.obj, result.notes)


def _removal_hint(api_version: str, kind: str) -> str:
    if kind == "PodSecurityPolicy":
        return " (enforce pod security with Pod Security Admission namespace labels or a policy webhook)"
    return ""
