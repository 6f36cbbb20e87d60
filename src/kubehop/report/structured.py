"""JSON and YAML: the versioned result envelope (schema documented in docs/json-output.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from kubehop.model import Finding
from kubehop.report.common import RESULT_VERSION, ReportMeta, finding_record, summary


def envelope(findings: Sequence[Finding], meta: ReportMeta) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kubehopResultVersion": RESULT_VERSION,
        "command": meta.command,
        "kubehopVersion": meta.tool_version,
        "target": meta.target,
    }
    if meta.server_version:
        record["serverVersion"] = meta.server_version
    record.update(summary=summary(findings, meta), findings=[finding_record(f) for f in findings],
                  notes=list(meta.notes))
    return record


def render_json(findings: Sequence[Finding], meta: ReportMeta) -> str:
    return json.dumps(envelope(findings, meta), indent=2) + "\n"


def render_yaml(findings: Sequence[Finding], meta: ReportMeta) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(envelope(findings, meta), Dumper=dumper, sort_keys=False, default_flow_style=False))
