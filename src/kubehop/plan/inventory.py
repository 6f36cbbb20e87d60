"""Build the planner's inventory from scan results (`-o json` envelopes) and from read documents.

A scan at target T only reports what T removes or deprecates, so the planner keeps every object
whose apiVersion/kind has a lifecycle row and re-evaluates it at each step. Other findings (such as
missing-selector) are kept as notes and placed at the step whose removal they are about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kubehop.errors import DataFileError
from kubehop.lifecycle import Lifecycle
from kubehop.manifests import ParseProblem
from kubehop.model import Document, Finding, Location
from kubehop.plan.model import ORIGIN_CHART, ORIGIN_CLUSTER, ORIGIN_FILE, ORIGIN_RELEASE, Inventory, Note, Subject

RESULT_VERSION = "1"
API_RULES = frozenset({"removed-api", "deprecated-api"})
SKIPPED_RULES = frozenset({"parse-error"})


def chart_of(template: str | None) -> str:
    """`image-manager/templates/x.yaml` -> `image-manager` (Helm names templates after their chart)."""
    if not template or "/" not in template:
        return ""
    return template.split("/", 1)[0]


def _origin(location: Location) -> tuple[str, str]:
    """(origin, source): a release and its storage, a chart and its path, or a file."""
    if location.release is not None:
        storage = location.path.rsplit(":", 1)[0] if location.storage_key and ":" in location.path else ""
        return ORIGIN_RELEASE, storage
    if location.path.startswith("cluster:"):
        return ORIGIN_CLUSTER, location.path
    if location.template:
        return ORIGIN_CHART, location.path
    return ORIGIN_FILE, location.path


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _location(raw: Any, where: str) -> Location:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("path"), str):
        raise DataFileError(f"{where}: `location.path` is required")

    def opt_int(key: str) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise DataFileError(f"{where}: `location.{key}` must be an integer")
        return value

    def opt_str(key: str) -> str | None:
        value = raw.get(key)
        return value if isinstance(value, str) else None

    return Location(path=raw["path"], line=opt_int("line"), template=opt_str("template"),
                    release=opt_str("release"), namespace=opt_str("namespace"), revision=opt_int("revision"),
                    status=opt_str("status"), storage_key=opt_str("storageKey"))


def from_envelope(data: Any, label: str, lifecycle: Lifecycle) -> Inventory:
    """Read one `kubehop scan|releases scan -o json` result; `label` names the file in errors."""
    if not isinstance(data, Mapping) or "findings" not in data:
        raise DataFileError(f"{label}: not a kubehop scan result (expected a JSON object with `findings`)")
    version = data.get("kubehopResultVersion")
    if version is None:
        raise DataFileError(f"{label}: no kubehopResultVersion: not the JSON output of a kubehop scan")
    if version != RESULT_VERSION:
        raise DataFileError(f"{label}: kubehopResultVersion {version!r} is not supported (expected \"1\")")
    findings = data["findings"]
    if not isinstance(findings, list):
        raise DataFileError(f"{label}: `findings` must be a list")
    subjects: list[Subject] = []
    notes: list[Note] = []
    warnings: list[str] = []
    for index, raw in enumerate(findings, start=1):
        where = f"{label}: finding {index}"
        if not isinstance(raw, Mapping):
            raise DataFileError(f"{where}: expected an object")
        rule = _text(raw.get("rule"))
        if not rule:
            raise DataFileError(f"{where}: `rule` is required")
        location = _location(raw.get("location"), where)
        origin, source = _origin(location)
        api_version, kind = _text(raw.get("apiVersion")), _text(raw.get("kind"))
        if rule in SKIPPED_RULES:
            warnings.append(f"{label}: {location}: {_text(raw.get('message'))}")
            continue
        if rule in API_RULES and lifecycle.lookup(api_version, kind) is not None:
            subjects.append(Subject(api_version, kind, _text(raw.get("name")), _text(raw.get("namespace")),
                                    location, origin, source, chart_of(location.template),
                                    _revision(location)))
            continue
        details = raw.get("details")
        notes.append(Note(
            rule=rule, tag=_text(raw.get("tag")) or rule, message=_text(raw.get("message")),
            api_version=api_version, kind=kind, name=_text(raw.get("name")), namespace=_text(raw.get("namespace")),
            location=location, origin=origin, source=source, chart=chart_of(location.template),
            removed_in=_text(raw.get("removedIn")),
            details=tuple((str(k), str(v)) for k, v in details.items()) if isinstance(details, Mapping) else (),
        ))
    command = _text(data.get("command")) or "scan"
    target = _text(data.get("target"))
    return Inventory(tuple(subjects), tuple(notes), (f"{label} ({command} at {target})",), tuple(warnings))


def _revision(location: Location) -> tuple[tuple[int, str], ...]:
    if location.revision is None:
        return ()
    return ((location.revision, location.status or ""),)


def from_documents(items: Iterable[Document | ParseProblem], lifecycle: Lifecycle) -> Inventory:
    """Every document with a lifecycle row; parse problems become warnings."""
    subjects: list[Subject] = []
    warnings: list[str] = []
    for item in items:
        if isinstance(item, ParseProblem):
            warnings.append(f"{item.location}: {item.message}")
            continue
        if lifecycle.lookup(item.api_version, item.kind) is None:
            continue
        origin, source = _origin(item.location)
        subjects.append(Subject(item.api_version, item.kind, item.name, item.namespace, item.location, origin,
                                source, chart_of(item.location.template), _revision(item.location)))
    return Inventory(tuple(subjects), (), (), tuple(warnings))


def from_findings(findings: Iterable[Finding]) -> Inventory:
    """Notes from findings of rules that are not about an apiVersion (the documents give the subjects)."""
    notes = []
    for finding in findings:
        if finding.rule_id in API_RULES or finding.rule_id in SKIPPED_RULES:
            continue
        origin, source = _origin(finding.location)
        notes.append(Note(rule=finding.rule_id, tag=finding.tag, message=finding.message,
                          api_version=finding.api_version, kind=finding.kind, name=finding.name,
                          namespace=finding.namespace, location=finding.location, origin=origin, source=source,
                          chart=chart_of(finding.location.template), removed_in=finding.removed_in,
                          details=finding.details))
    return Inventory((), tuple(notes))


def merge(parts: Iterable[Inventory]) -> Inventory:
    """One inventory: duplicates dropped, a release object's revisions folded into one subject."""
    by_key: dict[tuple[Any, ...], Subject] = {}
    notes: dict[tuple[Any, ...], Note] = {}
    inputs: list[str] = []
    warnings: list[str] = []
    for part in parts:
        inputs += part.inputs
        warnings += [w for w in part.warnings if w not in warnings]
        for subject in part.subjects:
            key = _subject_key(subject)
            seen = by_key.get(key)
            if seen is None:
                by_key[key] = subject
            else:
                by_key[key] = _fold(seen, subject)
        for note in part.notes:
            nkey = (note.tag, note.origin, note.source, _owner(note.location), note.name, note.namespace)
            if nkey not in notes or (note.location.revision or 0) > (notes[nkey].location.revision or 0):
                notes[nkey] = note
    return Inventory(tuple(by_key.values()), tuple(notes.values()), tuple(inputs), tuple(warnings))


def _owner(location: Location) -> tuple[Any, ...]:
    if location.release is not None:
        return (location.release, location.namespace, location.template)
    return (location.path, location.template, location.line)


def _subject_key(subject: Subject) -> tuple[Any, ...]:
    return (subject.origin, subject.source, _owner(subject.location), subject.api_version, subject.kind,
            subject.name, subject.namespace)


def _fold(seen: Subject, other: Subject) -> Subject:
    revisions = tuple(sorted(set(seen.revisions) | set(other.revisions)))
    newer = other if (other.location.revision or 0) > (seen.location.revision or 0) else seen
    return Subject(newer.api_version, newer.kind, newer.name, newer.namespace, newer.location, newer.origin,
                   newer.source, newer.chart, revisions)
