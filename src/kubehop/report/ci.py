"""SARIF 2.1.0 (code-scanning UIs) and JUnit XML (CI test reports)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from kubehop.model import Finding, Severity
from kubehop.report.common import ReportMeta, summary_line

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {
    Severity.INFO: "note",
    Severity.WARNING: "warning",
    Severity.DEPRECATED: "warning",
    Severity.REMOVED: "error",
    Severity.ERROR: "error",
}


def _sarif_location(f: Finding) -> dict[str, Any]:
    loc = f.location
    if loc.release is not None:
        name = f"{loc.namespace or '-'}/{loc.release}#{loc.revision}"
        return {"logicalLocations": [{"name": name, "kind": "module", "fullyQualifiedName": str(loc)}]}
    physical: dict[str, Any] = {"artifactLocation": {"uri": loc.path.lstrip("./") if loc.path != "-" else "stdin"}}
    if loc.line:
        physical["region"] = {"startLine": loc.line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if loc.template:
        location["logicalLocations"] = [{"name": loc.template, "kind": "module"}]
    return location


def render_sarif(findings: Sequence[Finding], meta: ReportMeta) -> str:
    from kubehop.rules import REGISTRY

    rule_ids = sorted({f.rule_id for f in findings} | set(REGISTRY))
    rules = []
    for rule_id in rule_ids:
        rule = REGISTRY.get(rule_id)
        summary = rule.SUMMARY if rule else rule_id
        level = _LEVELS[rule.SEVERITY] if rule else "error"
        rules.append({"id": rule_id, "shortDescription": {"text": summary},
                      "defaultConfiguration": {"level": level}})
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.rule_id,
            "ruleIndex": rule_ids.index(f.rule_id),
            "level": _LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [_sarif_location(f)],
            "partialFingerprints": {"kubehop/v1": f"{f.tag}|{f.kind}|{f.namespace}|{f.name}"},
        }
        if f.replacement:
            result["properties"] = {"replacement": f.replacement, "removedIn": f.removed_in,
                                    "deprecatedIn": f.deprecated_in}
        results.append(result)
    run = {
        "tool": {"driver": {"name": "kubehop", "version": meta.tool_version, "rules": rules}},
        "results": results,
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def render_junit(findings: Sequence[Finding], meta: ReportMeta) -> str:
    failing = [f for f in findings if f.severity >= Severity.DEPRECATED or f.severity is Severity.WARNING]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    suites = ET.Element("testsuites", name=f"kubehop {meta.command}")
    suite = ET.SubElement(
        suites, "testsuite", name=f"kubehop {meta.command}" + (f" target {meta.target}" if meta.target else ""),
        tests=str(max(len(findings), 1)), failures=str(len(failing) - len(errors)), errors=str(len(errors)),
    )
    if not findings:
        ET.SubElement(suite, "testcase", classname=f"kubehop.{meta.command}", name=summary_line(findings, meta))
    for f in findings:
        case = ET.SubElement(suite, "testcase", classname=str(f.location), name=f"{f.tag} {f.kind}/{f.name}".strip())
        tag = "error" if f.severity is Severity.ERROR else "failure" if f in failing else "skipped"
        child = ET.SubElement(case, tag, message=f.message, type=str(f.severity))
        child.text = f.message
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
