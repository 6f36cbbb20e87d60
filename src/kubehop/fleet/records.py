"""Read a `scan -o json` result envelope back into findings (the inverse of report.common.finding_record)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.model import Finding, Location, Severity
from kubehop.report.common import RESULT_VERSION

_SEVERITIES = {str(s): s for s in Severity}


class RecordError(ValueError):
    """The envelope is not one kubehop wrote."""


def read_envelope(data: Any) -> tuple[str, list[Finding], Mapping[str, Any], list[str]]:
    """(target, findings, summary, notes) of a kubehop JSON result."""
    if not isinstance(data, Mapping) or "findings" not in data:
        raise RecordError("not a kubehop JSON result (no findings)")
    version = str(data.get("kubehopResultVersion") or "")
    if version != RESULT_VERSION:
        raise RecordError(f"result version {version!r} is not {RESULT_VERSION!r}")
    records = data.get("findings")
    if not isinstance(records, list):
        raise RecordError("findings is not a list")
    findings = [finding_from_record(record, index) for index, record in enumerate(records)]
    summary = data.get("summary") if isinstance(data.get("summary"), Mapping) else {}
    notes = [str(n) for n in data.get("notes") or [] if isinstance(n, str)]
    return str(data.get("target") or ""), findings, summary or {}, notes


def finding_from_record(record: Any, index: int = 0) -> Finding:
    if not isinstance(record, Mapping):
        raise RecordError(f"finding {index} is not an object")
    try:
        severity = _SEVERITIES[str(record["severity"])]
        rule = str(record["rule"])
    except KeyError as exc:
        raise RecordError(f"finding {index}: missing or unknown {exc}") from exc
    tag = str(record.get("tag") or rule)
    sub_id = tag[len(rule) + 1:-1] if tag.startswith(f"{rule}[") and tag.endswith("]") else ""
    loc = record.get("location") if isinstance(record.get("location"), Mapping) else {}
    assert isinstance(loc, Mapping)
    location = Location(
        path=str(loc.get("path") or ""), line=_int(loc.get("line")), template=_str(loc.get("template")),
        release=_str(loc.get("release")), namespace=_str(loc.get("namespace")), revision=_int(loc.get("revision")),
        status=_str(loc.get("status")), storage_key=_str(loc.get("storageKey")),
    )
    details = record.get("details") if isinstance(record.get("details"), Mapping) else {}
    assert isinstance(details, Mapping)
    return Finding(
        location=location, rule_id=rule, severity=severity, message=str(record.get("message") or ""), sub_id=sub_id,
        api_version=_text(record, "apiVersion"), kind=_text(record, "kind"), name=_text(record, "name"),
        namespace=_text(record, "namespace"), replacement=_text(record, "replacement"),
        deprecated_in=_text(record, "deprecatedIn"), removed_in=_text(record, "removedIn"),
        replacement_available_in=_text(record, "replacementAvailableIn"),
        details=tuple((str(k), str(v)) for k, v in details.items()),
    )


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
