"""Which clusters make the fleet: --contexts, --all-contexts, fleet files and label selectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubehop.errors import ClusterError, UsageError
from kubehop.fleet.members import all_contexts, load_fleet_file, members_from_contexts, select
from kubehop.fleet.model import FleetMember


def test_contexts_list_deduplicated() -> None:
    assert members_from_contexts("a, b,,a") == [FleetMember("a"), FleetMember("b")]
    with pytest.raises(UsageError, match="no context named"):
        members_from_contexts(" , ")


def test_fleet_file_keeps_versions_as_written(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text("- context: eu-prod\n  target: 1.20\n  labels: {env: prod, region: eu}\n- context: us-dev\n")
    assert load_fleet_file(str(path)) == [
        FleetMember("eu-prod", "1.20", (("env", "prod"), ("region", "eu"))), FleetMember("us-dev")]
    path.write_text("clusters:\n- context: one\n  auditLog: logs/one.jsonl\n- context: two\n  auditLog: /var/a.log\n")
    assert load_fleet_file(str(path)) == [FleetMember("one", audit_log=str(tmp_path / "logs/one.jsonl")),
                                          FleetMember("two", audit_log="/var/a.log")]


@pytest.mark.parametrize(("text", "message"), [
    ("", "expected a list"),
    ("{a: [}", "not valid YAML"),
    ("- 3\n", "entry 1: expected a mapping"),
    ("- context: a\n  colour: red\n", "entry 1: unknown key 'colour'"),
    ("- target: '1.22'\n", "entry 1: context must be a non-empty string"),
    ("- context: a\n  labels: [x]\n", "entry 1: labels must be a mapping"),
    ("- context: a\n  target: [1]\n", "entry 1: target must be a version"),
    ("- context: a\n  auditLog: ''\n", "entry 1: auditLog must be a file path"),
    ("- context: a\n- context: a\n", "context 'a' is listed twice"),
])
def test_fleet_file_errors_name_the_file_and_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(text)
    with pytest.raises(UsageError, match=f"fleet file {path}: .*{message}"):
        load_fleet_file(str(path))


def test_missing_fleet_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        load_fleet_file(str(tmp_path / "nope.yaml"))


def test_all_contexts_of_merged_kubeconfigs(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_text(json.dumps({"contexts": [{"name": "x", "context": {}}, {"name": "y", "context": {}}]}))
    second.write_text(json.dumps({"contexts": [{"name": "y", "context": {}}, {"name": "z", "context": {}}]}))
    env = {"KUBECONFIG": f"{first}:{second}:{tmp_path / 'missing'}"}
    assert [m.context for m in all_contexts(None, env)] == ["x", "y", "z"]
    with pytest.raises(ClusterError, match="no such file"):
        all_contexts(None, {"KUBECONFIG": str(tmp_path / "missing")})
    (tmp_path / "empty").write_text("kind: Config\n")
    with pytest.raises(ClusterError, match="no contexts"):
        all_contexts(str(tmp_path / "empty"), {})


def test_selector() -> None:
    members = [FleetMember("a", labels=(("env", "prod"),)), FleetMember("b", labels=(("env", "dev"),))]
    assert select(members, "env=prod") == members[:1]
    assert select(members, None) == members
    with pytest.raises(UsageError, match="expected key=value"):
        select(members, "env")
    with pytest.raises(UsageError, match="no cluster"):
        select(members, "env=qa")
