"""Decide, step by step, what every inventoried object needs (sans-IO).

Each object is re-evaluated against the lifecycle data at every minor step, starting from the
apiVersion it has when the step begins: an object moved to an interim version at one step is
looked at again, as that version, at the next.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubehop.errors import UsageError
from kubehop.lifecycle import ApiStatus, Lifecycle, LifecycleEntry
from kubehop.model import KubeVersion
from kubehop.plan.model import (
    STATUS_ALREADY_REMOVED,
    STATUS_DEPRECATED,
    STATUS_REMOVED,
    Inventory,
    Move,
    Note,
    Subject,
)
from kubehop.plan.versions import hop


@dataclass(frozen=True)
class StepFindings:
    source: KubeVersion
    target: KubeVersion
    must_fix: tuple[Move, ...]
    deprecated: tuple[Move, ...]
    notes: tuple[Note, ...]


def _label(api_version: str, kind: str, original_kind: str) -> str:
    return api_version if kind == original_kind else f"{api_version} {kind}"


def _str(version: KubeVersion | None) -> str:
    return str(version) if version is not None else ""


def removal_move(subject: Subject, api_version: str, kind: str, entry: LifecycleEntry, source: KubeVersion,
                 target: KubeVersion, status: str, lifecycle: Lifecycle) -> Move:
    """The move that must happen before the control plane leaves `source`, or why it cannot."""
    replacement = entry.replacement_at(source)
    final = entry.replacement_label

    def move(move_to: str, blocked: str = "") -> Move:
        return Move(subject=subject, api_version=api_version, kind=kind, status=status,
                    deprecated_in=_str(entry.deprecated_in), removed_in=_str(entry.removed_in), move_to=move_to,
                    final=final, final_since=_str(entry.replacement_available_in), blocked=blocked)

    if replacement is None:
        why = entry.note or entry.decision or "decide what replaces it before the step"
        return move("", f"{api_version} {kind} is removed in {entry.removed_in} and has no replacement API: "
                        f"a human decision is needed ({why})")
    r_api, r_kind, since = replacement
    move_to = _label(r_api, r_kind, kind)
    if since is not None and since > source:
        return move("", f"{move_to} is first served in {since}, but {api_version} {kind} is removed in "
                        f"{entry.removed_in}: no version serves both at {source}. Order that works: export the "
                        f"object, delete it while the control plane runs {source}, take the step, and re-create "
                        f"it as {move_to} once the control plane runs {since}")
    if lifecycle.status(r_api, r_kind, target) is ApiStatus.REMOVED:
        return move(move_to, f"{move_to}, the version served at {source}, is itself removed in {target}: "
                             f"move to {final} first, in an earlier step")
    return move(move_to)


def _deprecation(subject: Subject, api_version: str, kind: str, entry: LifecycleEntry,
                 target: KubeVersion) -> Move:
    replacement = entry.replacement_at(target)
    move_to = _label(replacement[0], replacement[1], kind) if replacement else ""
    return Move(subject=subject, api_version=api_version, kind=kind, status=STATUS_DEPRECATED,
                deprecated_in=_str(entry.deprecated_in), removed_in=_str(entry.removed_in), move_to=move_to,
                final=entry.replacement_label, final_since=_str(entry.replacement_available_in))


def plan_steps(source: KubeVersion, target: KubeVersion, inventory: Inventory,
               lifecycle: Lifecycle) -> list[StepFindings]:
    current = [(s.api_version, s.kind) for s in inventory.subjects]
    steps: list[StepFindings] = []
    for number, (step_from, step_to) in enumerate(hop(source, target)):
        must: list[Move] = []
        deprecated: list[Move] = []
        for index, subject in enumerate(inventory.subjects):
            api_version, kind = current[index]
            entry = lifecycle.lookup(api_version, kind)
            if entry is None:
                continue
            removed = entry.removed_in
            if removed is not None and removed <= step_to:
                if removed <= step_from and number > 0:
                    continue  # reported (and blocked) at an earlier step
                status = STATUS_ALREADY_REMOVED if removed <= step_from else STATUS_REMOVED
                move = removal_move(subject, api_version, kind, entry, step_from, step_to, status, lifecycle)
                must.append(move)
                if move.move_to and not move.blocked:
                    r_api, _, r_kind = move.move_to.partition(" ")
                    current[index] = (r_api, r_kind or kind)
            elif entry.status_at(step_to) is ApiStatus.DEPRECATED:
                deprecated.append(_deprecation(subject, api_version, kind, entry, step_to))
        notes = tuple(n for n in inventory.notes if _note_step(n, source, target, lifecycle) == number)
        steps.append(StepFindings(step_from, step_to, tuple(must), tuple(deprecated), notes))
    return steps


def _note_removal(note: Note, lifecycle: Lifecycle) -> KubeVersion | None:
    """The removal a note is about: its own removedIn, else its object's apiVersion's."""
    try:
        if note.removed_in:
            return KubeVersion.parse(note.removed_in)
    except UsageError:
        pass
    entry = lifecycle.lookup(note.api_version, note.kind) if note.api_version else None
    return entry.removed_in if entry is not None else None


def _note_step(note: Note, source: KubeVersion, target: KubeVersion, lifecycle: Lifecycle) -> int | None:
    """Index of the step a note belongs to: the one crossing its removal (the first when it is already
    removed at --from or has no removal version); None when the removal is past --to."""
    removed = _note_removal(note, lifecycle)
    if removed is None or removed.minor <= source.minor + 1:
        return 0
    if removed.minor > target.minor:
        return None
    return removed.minor - source.minor - 1
