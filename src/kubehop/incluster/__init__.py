"""In-cluster runs: the report ConfigMap a scheduled scan keeps, its Prometheus summary, its RBAC needs."""

from __future__ import annotations

from kubehop.incluster.configmap import (
    COMPRESSED_KEY,
    GENERATED_AT,
    METRICS_KEY,
    REPORT_KEY,
    ReportTarget,
    decode_report,
    report_configmap,
    write_report_configmap,
)
from kubehop.incluster.metrics import findings_metrics
from kubehop.incluster.permissions import scan_permissions

__all__ = [
    "COMPRESSED_KEY",
    "GENERATED_AT",
    "METRICS_KEY",
    "REPORT_KEY",
    "ReportTarget",
    "decode_report",
    "findings_metrics",
    "report_configmap",
    "scan_permissions",
    "write_report_configmap",
]
