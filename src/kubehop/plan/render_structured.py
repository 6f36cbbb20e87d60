"""The plan as data: the versioned JSON/YAML envelope (documented in docs/plan.md)."""

from __future__ import annotations

import json
from typing import Any

from kubehop.model import Location
from kubehop.plan.model import Move, Note, Phase, Plan, Step

RESULT_VERSION = "1"


def _location(location: Location) -> dict[str, Any]:
    record: dict[str, Any] = {"path": location.path, "line": location.line}
    if location.template:
        record["template"] = location.template
    if location.release is not None:
        record.update(release=location.release, namespace=location.namespace)
    return record


def _move(move: Move) -> dict[str, Any]:
    subject = move.subject
    return {
        "apiVersion": move.api_version, "kind": move.kind, "name": subject.name, "namespace": subject.namespace,
        "status": move.status, "deprecatedIn": move.deprecated_in, "removedIn": move.removed_in,
        "moveTo": move.move_to, "replacement": move.final, "replacementAvailableIn": move.final_since,
        "blocked": move.blocked, "origin": subject.origin, "source": subject.source,
        "location": _location(subject.location),
        "revisions": [{"revision": rev, "status": status} for rev, status in subject.revisions],
    }


def _note(note: Note) -> dict[str, Any]:
    return {"rule": note.rule, "tag": note.tag, "message": note.message, "apiVersion": note.api_version,
            "kind": note.kind, "name": note.name, "namespace": note.namespace, "origin": note.origin,
            "location": _location(note.location), "details": dict(note.details)}


def _phase(phase: Phase) -> dict[str, Any]:
    return {"key": phase.key, "title": phase.title,
            "tasks": [{"text": t.text, "commands": [{"line": c.line, "manual": c.manual} for c in t.commands]}
                      for t in phase.tasks]}


def _step(step: Step) -> dict[str, Any]:
    return {
        "number": step.number, "from": str(step.source), "to": str(step.target), "blocked": bool(step.blocked),
        "etcd": {"before": step.etcd_before, "after": step.etcd_after}, "oldestKubelet": step.kubelet_oldest,
        "mustFix": [_move(m) for m in step.must_fix], "deprecated": [_move(m) for m in step.deprecated],
        "notes": [_note(n) for n in step.notes], "warnings": list(step.warnings),
        "phases": [_phase(p) for p in step.phases], "rollback": [_phase(p) for p in step.rollback],
    }


def envelope(plan: Plan, tool_version: str) -> dict[str, Any]:
    return {
        "kubehopResultVersion": RESULT_VERSION,
        "command": "plan",
        "kubehopVersion": tool_version,
        "from": str(plan.source),
        "to": str(plan.target),
        "path": [str(plan.source), *(str(step.target) for step in plan.steps)],
        "blocked": plan.blocked or plan.incomplete,
        "incomplete": plan.incomplete,
        "inputs": list(plan.inputs),
        "warnings": list(plan.warnings),
        "variables": [{"name": v.name, "help": v.help} for v in plan.variables],
        "steps": [_step(s) for s in plan.steps],
    }


def render_json(plan: Plan, tool_version: str) -> str:
    return json.dumps(envelope(plan, tool_version), indent=2) + "\n"


def render_yaml(plan: Plan, tool_version: str) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(envelope(plan, tool_version), Dumper=dumper, sort_keys=False, default_flow_style=False,
                         width=120))
