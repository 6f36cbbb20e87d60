"""Integrity of the shipped API lifecycle data file, read directly (independent of the loader)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DATA_FILE = REPO / "src" / "kubehop" / "data" / "api_lifecycle.yaml"
EXAMPLE_FILE = REPO / "examples" / "lifecycle" / "cert-manager.yaml"
DOC_FILE = REPO / "docs" / "lifecycle.md"

OLDEST = (1, 8)
NEWEST = (1, 37)
REQUIRED = ("apiVersion", "kind", "resource", "deprecatedIn", "removedIn", "replacement",
            "replacementAvailableIn", "source")
OPTIONAL = ("replacementKind", "decision", "note", "interim")
VERSION_KEYS = ("deprecatedIn", "removedIn", "replacementAvailableIn")
VERSION_RE = re.compile(r"^1\.(\d+)$")
API_VERSION_RE = re.compile(r"^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*/)?v\d+(?:(?:alpha|beta)\d+)?$")
KIND_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
RESOURCE_RE = re.compile(r"^[a-z][a-z0-9]*$")
# A decision names the field it settles, the value kept and the value(s) rejected:
# "removedIn 1.16 not 1.18 (OpenAPI ...): why".
DECISION_CLAUSE_RE = re.compile(
    r"\b(deprecatedIn|removedIn|replacementAvailableIn|replacementKind|replacement) (\S+) not (\S+)"
)
OVERRULED_SOURCE_RE = re.compile(r"\([^)]*(?:pluto|kubent|mapkubeapis|tag|OpenAPI|guide|reference)[^)]*\)")
INTERIM_RE = re.compile(r"interim: (\S+/v\w+)(?: ([A-Z]\w*))? \(")
SOURCE_NAMES = ("deprecation guide", "pluto", "kubent", "mapkubeapis", "prerelease-lifecycle", "OpenAPI",
                "CHANGELOG", "KEP")


@cache
def load_rows() -> tuple[dict[str, Any], ...]:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data.get("version") == 1
    rows = data["apis"]
    assert isinstance(rows, list)
    return tuple(rows)


def rows_by_key() -> dict[tuple[str, str], dict[str, Any]]:
    return {(row["apiVersion"], row["kind"]): row for row in load_rows()}


def minor(text: str) -> int:
    match = VERSION_RE.match(text)
    assert match, f"not a 1.N version: {text!r}"
    return int(match.group(1))


def row_id(row: dict[str, Any]) -> str:
    return f"{row['apiVersion']} {row['kind']}"


def effective_replacement_kind(row: dict[str, Any]) -> str:
    return str(row.get("replacementKind") or row["kind"])


ROWS = load_rows()


def test_file_has_header_version_and_a_plausible_number_of_rows() -> None:
    text = DATA_FILE.read_text(encoding="utf-8")
    assert text.startswith("# kubehop API lifecycle data. Format documented in docs/lifecycle.md.\n")
    assert 120 <= len(ROWS) <= 200


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_row_has_exactly_the_documented_keys_with_the_right_types(row: dict[str, Any]) -> None:
    missing = [key for key in REQUIRED if key not in row]
    assert not missing, f"missing keys {missing}"
    unknown = set(row) - set(REQUIRED) - set(OPTIONAL)
    assert not unknown, f"unknown keys {unknown}"
    assert isinstance(row["apiVersion"], str) and API_VERSION_RE.match(row["apiVersion"])
    assert isinstance(row["kind"], str) and KIND_RE.match(row["kind"])
    assert not row["kind"].endswith("List"), "List kinds are not rows"
    assert isinstance(row["resource"], str) and RESOURCE_RE.match(row["resource"])
    for key in VERSION_KEYS:
        assert row[key] is None or isinstance(row[key], str), f"{key} must be a quoted string or null"
    assert row["replacement"] is None or (
        isinstance(row["replacement"], str) and API_VERSION_RE.match(row["replacement"])
    )
    if "replacementKind" in row:
        assert isinstance(row["replacementKind"], str) and KIND_RE.match(row["replacementKind"])
        assert row["replacementKind"] != row["kind"], "replacementKind is only written when the kind changes"
        assert row["replacement"] is not None
    for key in ("source", "decision", "note"):
        if key in row:
            assert isinstance(row[key], str) and row[key].strip(), f"{key} must be a non-empty string"
    for step in row.get("interim", []):
        assert set(step) <= {"apiVersion", "kind", "from", "to"} and API_VERSION_RE.match(step["apiVersion"])
        assert isinstance(step["from"], str) and isinstance(step.get("to", ""), str)
        assert row["replacementAvailableIn"] is not None, "an interim step only makes sense before the replacement"


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_versions_parse_and_lie_in_the_supported_range(row: dict[str, Any]) -> None:
    assert row["deprecatedIn"] is not None or row["removedIn"] is not None
    for key in ("deprecatedIn", "removedIn"):
        if row[key] is not None:
            assert OLDEST[1] <= minor(row[key]) <= NEWEST[1], f"{key} {row[key]} outside 1.8..1.37"
    if row["replacementAvailableIn"] is not None:
        # The replacement may predate 1.8 (authorization.k8s.io/v1 is served since 1.6), never postdate 1.37.
        assert 0 <= minor(row["replacementAvailableIn"]) <= NEWEST[1]


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_deprecation_does_not_come_after_removal(row: dict[str, Any]) -> None:
    if row["deprecatedIn"] is not None and row["removedIn"] is not None:
        assert minor(row["deprecatedIn"]) <= minor(row["removedIn"])


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_replacement_and_its_availability_come_together(row: dict[str, Any]) -> None:
    assert (row["replacement"] is None) == (row["replacementAvailableIn"] is None)
    assert row["replacement"] != row["apiVersion"] or "replacementKind" in row


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_replacement_is_available_before_removal_or_an_interim_is_named(row: dict[str, Any]) -> None:
    if row["removedIn"] is None or row["replacementAvailableIn"] is None:
        return
    if minor(row["replacementAvailableIn"]) <= minor(row["removedIn"]):
        return
    # The newest stable replacement arrived after the removal: the note must name the version that was
    # served at the removal, and that version must itself be a row that outlived the original.
    match = INTERIM_RE.search(row.get("note", ""))
    assert match, f"{row['replacement']} only from {row['replacementAvailableIn']}: note needs 'interim: ...'"
    interim = rows_by_key().get((match.group(1), match.group(2) or row["kind"]))
    assert interim is not None, f"interim {match.group(0)} is not a row"
    assert interim["removedIn"] is None or minor(interim["removedIn"]) > minor(row["removedIn"])


def test_no_duplicate_api_version_kind() -> None:
    seen: set[tuple[str, str]] = set()
    duplicates = []
    for row in ROWS:
        key = (row["apiVersion"], row["kind"])
        if key in seen:
            duplicates.append(key)
        seen.add(key)
    assert not duplicates


def test_replacement_rows_are_not_removed_before_the_original() -> None:
    by_key = rows_by_key()
    problems = []
    for row in ROWS:
        if row["replacement"] is None:
            continue
        target = by_key.get((row["replacement"], effective_replacement_kind(row)))
        if target is None or target["removedIn"] is None:
            continue
        if row["removedIn"] is None or minor(target["removedIn"]) <= minor(row["removedIn"]):
            problems.append(f"{row_id(row)} -> {row_id(target)} removed {target['removedIn']}")
    assert not problems


def test_replacement_chains_never_cycle() -> None:
    by_key = rows_by_key()
    for row in ROWS:
        seen = {(row["apiVersion"], row["kind"])}
        current: dict[str, Any] | None = row
        while current is not None and current["replacement"] is not None:
            key = (current["replacement"], effective_replacement_kind(current))
            assert key not in seen, f"replacement cycle from {row_id(row)}"
            seen.add(key)
            current = by_key.get(key)


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_source_names_concrete_sources(row: dict[str, Any]) -> None:
    source = row["source"]
    assert any(name in source for name in SOURCE_NAMES), f"unrecognised source: {source}"
    if "OpenAPI specs" in source:
        for first, last in re.findall(r"OpenAPI specs 1\.(\d+)-1\.(\d+)", source):
            assert int(first) <= int(last)


@pytest.mark.parametrize("row", [r for r in ROWS if "decision" in r], ids=row_id)
def test_decision_names_the_kept_value_and_a_different_rejected_one(row: dict[str, Any]) -> None:
    clauses = DECISION_CLAUSE_RE.findall(row["decision"])
    assert clauses, "a decision starts from a disagreement: 'FIELD KEPT not REJECTED (who): why'"
    for field, kept, rejected in clauses:
        actual = effective_replacement_kind(row) if field == "replacementKind" else row[field]
        expected = "null" if actual is None else actual
        assert kept == expected, f"{field}: decision keeps {kept}, row has {actual}"
        rejected_values = rejected.split("/") if field in VERSION_KEYS else [rejected]
        assert kept not in rejected_values, f"{field}: rejected value equals the kept one"
    overruled = OVERRULED_SOURCE_RE.search(row["decision"])
    assert overruled, "a decision names the source it overrules"


def test_every_decision_is_listed_in_the_documentation() -> None:
    doc = DOC_FILE.read_text(encoding="utf-8")
    decisions = doc[doc.index("## Decisions"):]
    missing = []
    for row in ROWS:
        if "decision" not in row:
            continue
        if f"`{row['apiVersion']}`" not in decisions:
            missing.append(row_id(row))
        for match in DECISION_CLAUSE_RE.finditer(row["decision"]):
            if match.group(0) not in decisions:
                missing.append(f"{row_id(row)}: {match.group(0)}")
    assert not missing, f"decisions missing from docs/lifecycle.md: {missing}"


def test_removed_rows_at_newest_version_include_the_known_1_16_and_1_22_removals() -> None:
    by_key = rows_by_key()
    for key, removed in {
        ("extensions/v1beta1", "Deployment"): "1.16",
        ("apps/v1beta2", "StatefulSet"): "1.16",
        ("extensions/v1beta1", "Ingress"): "1.22",
        ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"): "1.22",
        ("policy/v1beta1", "PodSecurityPolicy"): "1.25",
        ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"): "1.32",
    }.items():
        assert by_key[key]["removedIn"] == removed


def test_example_user_file_uses_the_same_format() -> None:
    data = yaml.safe_load(EXAMPLE_FILE.read_text(encoding="utf-8"))
    assert data["version"] == 1
    rows = data["apis"]
    assert rows
    builtin = set(rows_by_key())
    for row in rows:
        for key in ("apiVersion", "kind", "resource", "source"):
            assert isinstance(row[key], str) and row[key].strip()
        assert set(row) <= set(REQUIRED) | set(OPTIONAL)
        assert (row["apiVersion"], row["kind"]) not in builtin
        for key in VERSION_KEYS:
            if row.get(key) is not None:
                assert OLDEST[1] <= minor(row[key]) <= NEWEST[1]
