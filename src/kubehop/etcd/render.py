"""Text and JSON renderings of etcd results (names, versions and sizes only: never object contents)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from kubehop.etcd.diff import DiffReport, ExportResult
from kubehop.etcd.inspect import InspectReport
from kubehop.etcd.status import humanize_bytes
from kubehop.etcd.verify import VerifyResult
from kubehop.report.plain_table import text_table


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    return text_table(headers, [[str(c) for c in row] for row in rows])


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _record(obj: Any) -> dict[str, Any]:
    """A result dataclass as a JSON object with camelCase keys, as every kubehop JSON output."""
    return {_camel(k): v for k, v in asdict(obj).items()}


def dumps(command: str, body: dict[str, Any]) -> str:
    """The versioned envelope shared by kubehop's JSON outputs (docs/json-output.md)."""
    from kubehop import __version__

    envelope = {"kubehopResultVersion": "1", "command": command, "kubehopVersion": __version__, **body}
    return json.dumps(envelope, indent=2) + "\n"


def render_verify(result: VerifyResult, fmt: str) -> str:
    if fmt == "json":
        return dumps("etcd verify", {"ok": True, **_record(result)})
    trailer = "SHA-256 trailer matches" if result.has_trailer else "no SHA-256 trailer (raw db copy)"
    if result.sidecar_matches:
        trailer += " and the backup record"
    return (f"{result.path}: OK: {trailer} ({result.sha256}); {result.pages} pages, {result.buckets} buckets, "
            f"{result.entries} entries, revision {result.revision}, {humanize_bytes(result.file_size)}\n")


def render_inspect(report: InspectReport, fmt: str, list_all: bool) -> str:
    if fmt == "json":
        return dumps("etcd inspect", {
            "snapshot": report.path, "target": report.target, "liveKeys": report.live_keys,
            "otherKeys": report.other_keys, "groups": [_record(g) for g in report.groups],
            "objects": [_record(o) for o in report.objects]})
    objects = sum(g.count for g in report.groups)
    out = [f"{report.path}: {objects} Kubernetes objects, {report.other_keys} other keys"
           + (f"; target {report.target}" if report.target else "") + "\n\n"]
    out.append(table(["RESOURCE", "NAMESPACE", "STORED AS", "KIND", "ENCODING", "COUNT", "SIZE", "AT TARGET"],
                     [(g.resource, g.namespace or "-", g.api_version or "?", g.kind or "?", g.encoding, g.count,
                       humanize_bytes(g.size), g.status or "-") for g in report.groups]))
    shown = report.objects if list_all else report.flagged
    if shown:
        title = "Objects" if list_all else f"Objects stored at an apiVersion {report.target} does not serve " \
            "(rewrite them before the upgrade, e.g. with a storage version migration)"
        out.append(f"\n{title}:\n")
        out.append(table(["RESOURCE", "NAMESPACE", "NAME", "STORED AS", "KIND", "ENCODING", "SIZE", "AT TARGET"],
                         [(o.resource, o.namespace or "-", o.name, o.api_version or "?", o.kind or "?", o.encoding,
                           o.size, o.status or "-") for o in shown]))
    return "".join(out)


_VERB = {"added": "deleted by the restore (created after OLD)",
         "deleted": "recreated by the restore (deleted after OLD)",
         "changed": "reverted by the restore (changed after OLD)"}


def render_diff(report: DiffReport, export: ExportResult | None, fmt: str) -> str:
    if fmt == "json":
        data: dict[str, Any] = {"old": report.old, "new": report.new, "unchanged": report.unchanged,
                                "changes": [_record(c) for c in report.changes]}
        if export is not None:
            data["exported"] = list(export.written)
            data["notExported"] = [{"key": k, "reason": r} for k, r in export.skipped]
        return dumps("etcd diff", data)
    out = [f"Restoring {report.old} over {report.new}: {report.count('changed')} reverted, "
           f"{report.count('added')} deleted, {report.count('deleted')} recreated, {report.unchanged} unchanged\n"]
    if report.changes:
        out.append("\n")
        out.append(table(["RESOURCE", "NAMESPACE", "NAME", "KIND", "EFFECT OF RESTORE", "OLD REV", "NEW REV"],
                         [(c.resource, c.namespace or "-", c.name, c.kind or "?", _VERB[c.change],
                           c.old_revision or "-", c.new_revision or "-") for c in report.changes]))
    if export is not None:
        out.append(f"\nExported {len(export.written)} manifests (mode 0600) to re-apply after the restore:\n")
        out += [f"  {path}\n" for path in export.written]
        out += [f"  not exported: {key}: {reason}\n" for key, reason in export.skipped]
    return "".join(out)
