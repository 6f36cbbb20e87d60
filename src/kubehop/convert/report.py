"""Rendering of `kubehop convert` reports (changes with their notes, and --check problems)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from kubehop.convert.documents import is_object, split_documents
from kubehop.convert.manifest import ManifestConversion
from kubehop.convert.model import describe
from kubehop.convert.validate import validate_object
from kubehop.manifests.reader import is_list, list_objects
from kubehop.model import KubeVersion

FORMATS = ("table", "json", "yaml", "markdown")


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    object: str
    action: str  # convert | remove | keep | invalid
    to: str
    kind: str  # note kind, or "invalid"
    message: str

    def as_dict(self) -> dict[str, str | int]:
        return {
            "file": self.file,
            "line": self.line,
            "object": self.object,
            "action": self.action,
            "to": self.to,
            "kind": self.kind,
            "message": self.message,
        }


def change_rows(path: str, result: ManifestConversion) -> list[Row]:
    rows: list[Row] = []
    for change in result.changes:
        where = f"{change.namespace}/{change.name}" if change.namespace else change.name
        subject = f"{change.api_version} {change.kind} {where}"
        action = "refused" if change.error else change.action.value
        to = change.to_api_version if change.obj is not None and change.changed else ""
        if not change.notes:
            rows.append(Row(path, change.line, subject, action, to, "", ""))
        for note in change.notes:
            rows.append(Row(path, change.line, subject, action, to, note.kind.value, note.message))
    return rows


def check_rows(path: str, text: str, target: KubeVersion) -> list[Row]:
    """Problems of every object of the converted text at the target (re-parsed: what is written)."""
    rows: list[Row] = []
    for doc in split_documents(text):
        obj = doc.parse(path)
        if not is_object(obj):
            continue
        for item in list_objects(obj):  # a List's wrapper and its items
            if not is_object(item):
                continue
            if not _served(str(item["apiVersion"]), str(item["kind"]), target):
                problems: Sequence[str] = [f"{item['apiVersion']} {item['kind']} is not served by {target}"]
            elif is_list(obj) and str(item["kind"]).endswith("List"):
                continue  # a served wrapper: its items are checked one by one
            else:
                problems = validate_object(item, target).problems
            subject = f"{item['apiVersion']} {describe(item)}"
            rows += [Row(path, doc.content_line, subject, "invalid", "", "invalid", p) for p in problems]
    return rows


def _served(api_version: str, kind: str, target: KubeVersion) -> bool:
    """False when the target does not serve this apiVersion/kind (a refused or impossible conversion)."""
    from kubehop.convert.serving import served_row
    from kubehop.lifecycle import ApiStatus, Lifecycle

    row = served_row(api_version, kind)
    if row is not None:
        return row.served_at(target)
    return Lifecycle.default().status(api_version, kind, target) is not ApiStatus.REMOVED


def render(rows: Sequence[Row], fmt: str, *, empty: str) -> str:
    if fmt == "json":
        return json.dumps([r.as_dict() for r in rows], indent=2) + "\n"
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump([r.as_dict() for r in rows], sort_keys=False, width=4096) if rows else "[]\n"
    if not rows:
        return empty + "\n"
    if fmt == "markdown":
        lines = ["| file:line | object | action | to | note | message |", "|---|---|---|---|---|---|"]
        lines += [_markdown_row((f"{r.file}:{r.line}", r.object, r.action, r.to, r.kind, r.message)) for r in rows]
        return "\n".join(lines) + "\n"
    return _table(rows)


def _markdown_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


def _table(rows: Sequence[Row]) -> str:
    out: list[str] = []
    last = None
    for r in rows:
        head = (r.file, r.line, r.object)
        if head != last:
            arrow = f" -> {r.to}" if r.to else ""
            out.append(f"{r.file}:{r.line}  {r.object}  [{r.action}{arrow}]")
            last = head
        if r.message:
            out.append(f"  {r.kind:<9} {r.message}")
    return "\n".join(out) + "\n"
