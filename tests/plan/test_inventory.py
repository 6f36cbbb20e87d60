"""Reading scan results into the planner's inventory: subjects, notes, folded release revisions, errors."""

from __future__ import annotations

from typing import Any

import pytest

from kubehop.errors import DataFileError
from kubehop.lifecycle import Lifecycle
from kubehop.manifests import read_documents
from kubehop.plan import from_documents, from_envelope, merge
from kubehop.plan.model import ORIGIN_CHART, ORIGIN_FILE, ORIGIN_RELEASE

LC = Lifecycle.default()


def finding(rule: str, api_version: str, kind: str, name: str, **location: Any) -> dict[str, Any]:
    return {"rule": rule, "tag": rule, "message": "m", "apiVersion": api_version, "kind": kind, "name": name,
            "namespace": "ns", "removedIn": "", "location": {"path": "p", "line": 1, **location}, "details": {}}


def envelope(*findings: dict[str, Any]) -> dict[str, Any]:
    return {"kubehopResultVersion": "1", "command": "releases scan", "target": "1.19", "findings": list(findings)}


def release_location(revision: int, status: str) -> dict[str, Any]:
    return {"path": f"secret:default/sh.helm.release.v1.web.v{revision}", "template": "web/templates/d.yaml",
            "release": "web", "namespace": "default", "revision": revision, "status": status,
            "storageKey": f"sh.helm.release.v1.web.v{revision}"}


def test_release_revisions_fold_into_one_subject_with_its_storage() -> None:
    data = envelope(*(finding("removed-api", "extensions/v1beta1", "Deployment", "web", **release_location(r, s))
                      for r, s in ((1, "superseded"), (2, "deployed"))))
    inventory = merge([from_envelope(data, "scan.json", LC)])
    (subject,) = inventory.subjects
    assert subject.origin == ORIGIN_RELEASE and subject.source == "secret" and subject.chart == "web"
    assert subject.revisions == ((1, "superseded"), (2, "deployed"))
    assert subject.location.revision == 2 and subject.helm_major == 3
    assert inventory.inputs == ("scan.json (releases scan at 1.19)",)


def test_rules_without_an_api_version_become_notes_and_parse_errors_warnings() -> None:
    data = envelope(finding("missing-selector", "extensions/v1beta1", "DaemonSet", "agent", template="c/t.yaml"),
                    finding("parse-error", "", "", "", path="broken.yaml"),
                    finding("deprecated-api", "v1", "ConfigMap", "no-lifecycle-row"))
    inventory = from_envelope(data, "scan.json", LC)
    assert inventory.subjects == ()
    assert [(n.rule, n.origin, n.chart) for n in inventory.notes] == [
        ("missing-selector", ORIGIN_CHART, "c"), ("deprecated-api", ORIGIN_FILE, "")]
    assert inventory.warnings == ("scan.json: broken.yaml:1: m",)


@pytest.mark.parametrize(("data", "message"), [
    ([], "not a kubehop scan result"),
    ({"kubehopResultVersion": "1", "findings": {}}, "`findings` must be a list"),
    (envelope({"location": {"path": "p"}}), "finding 1: `rule` is required"),
    (envelope(finding("removed-api", "apps/v1beta1", "Deployment", "x", line="7")),
     "finding 1: `location.line` must be an integer"),
])
def test_bad_envelopes_name_the_file_and_finding(data: Any, message: str) -> None:
    with pytest.raises(DataFileError, match=message) as raised:
        from_envelope(data, "inv.json", LC)
    assert str(raised.value).startswith("inv.json")


def test_documents_keep_every_object_with_a_lifecycle_row() -> None:
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
            "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: b, namespace: n}\n---\n"
            "apiVersion: [unclosed\n")
    inventory = from_documents(read_documents(text, "x.yaml"), LC)
    assert [(s.api_version, s.name, s.origin) for s in inventory.subjects] == [("batch/v1beta1", "b", ORIGIN_FILE)]
    assert len(inventory.warnings) == 1 and inventory.warnings[0].startswith("x.yaml:")
