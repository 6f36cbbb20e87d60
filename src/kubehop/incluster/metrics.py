"""A scan's findings as Prometheus metrics (text exposition format 0.0.4), sans-IO.

`kubehop_findings{severity,rule,api_version,kind,namespace}` counts findings by those labels;
`kubehop_report_generated_timestamp_seconds` says when the scan ran, so a stale report can be alerted on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from kubehop.model import Finding

LABELS = ("severity", "rule", "api_version", "kind", "namespace")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def findings_metrics(findings: Iterable[Finding], generated_at: dt.datetime, target: str) -> str:
    counts = Counter((str(f.severity), f.rule_id, f.api_version, f.kind, f.namespace) for f in findings)
    lines = [
        "# HELP kubehop_findings Findings of the latest kubehop scan, by severity, rule, apiVersion, kind "
        "and namespace.",
        "# TYPE kubehop_findings gauge",
    ]
    for key in sorted(counts):
        labels = ",".join(f'{name}="{_escape(value)}"' for name, value in zip(LABELS, key, strict=True))
        lines.append(f"kubehop_findings{{{labels}}} {counts[key]}")
    lines += [
        "# HELP kubehop_report_generated_timestamp_seconds When the latest kubehop scan ran (Unix time).",
        "# TYPE kubehop_report_generated_timestamp_seconds gauge",
        f'kubehop_report_generated_timestamp_seconds{{target="{_escape(target)}"}} '
        f"{int(generated_at.timestamp())}",
    ]
    return "\n".join(lines) + "\n"
