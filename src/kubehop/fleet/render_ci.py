"""A fleet report as CSV (a cluster column), SARIF (one run per cluster) and JUnit (one suite per cluster).

Each cluster is rendered by `scan`'s own renderer, so the per-cluster content is exactly `scan`'s;
errors and stale reports become findings of rules `cluster-unreadable` and `stale-report`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.etree import ElementTree as ET

from kubehop.fleet.model import ClusterReport, FleetReport
from kubehop.report import ci, tabular


def _all(cluster: ClusterReport) -> list[Any]:
    return [*cluster.findings, *cluster.error_findings()]


def render_csv(report: FleetReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header_written = False
    for cluster in report.clusters:
        rows = list(csv.reader(io.StringIO(tabular.render_csv(_all(cluster), cluster.meta(report.command,
                                                                                         report.tool_version)))))
        if not header_written:
            writer.writerow(["cluster", *rows[0]])
            header_written = True
        writer.writerows([cluster.context, *row] for row in rows[1:])
    if not header_written:
        writer.writerow(["cluster", *tabular.CSV_FIELDS])
    return buffer.getvalue()


def render_sarif(report: FleetReport) -> str:
    runs = []
    for cluster in report.clusters:
        document = json.loads(ci.render_sarif(_all(cluster), cluster.meta(report.command, report.tool_version)))
        run: dict[str, Any] = document["runs"][0]
        run["automationDetails"] = {"id": f"kubehop-fleet/{cluster.context}/"}
        run["properties"] = {"context": cluster.context, "serverVersion": cluster.server_version,
                             "target": cluster.target, "labels": dict(cluster.labels), "status": cluster.status}
        run["invocations"] = [{
            "executionSuccessful": not cluster.errors,
            "toolExecutionNotifications": [{"level": "error", "message": {"text": e}} for e in cluster.errors]
            + [{"level": "note", "message": {"text": n}} for n in cluster.notes],
        }]
        runs.append(run)
    return json.dumps({"$schema": ci.SARIF_SCHEMA, "version": "2.1.0", "runs": runs}, indent=2) + "\n"


def render_junit(report: FleetReport) -> str:
    suites = ET.Element("testsuites", name=f"kubehop {report.command}")
    for cluster in report.clusters:
        meta = cluster.meta(report.command, report.tool_version)
        rendered = ET.fromstring(ci.render_junit(_all(cluster), meta).split("\n", 1)[1])
        for suite in rendered.iter("testsuite"):
            target = f" target {cluster.target}" if cluster.target else ""
            suite.set("name", f"kubehop {report.command} {cluster.context}{target}")
            suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
