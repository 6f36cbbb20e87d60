"""Inputs kubehop converts as far as it can and then reports, instead of golden outputs that would not
validate: inputs invalid in themselves (duplicate webhook names, a CronJob name over 52 characters,
a workload without template labels or with an empty selector, a `TZ=` schedule where spec.timeZone
is not served) and the redesigned alpha APIs the converters refuse. Each case lives in
tests/convert/reported/<case>/{input.yaml, target}; both the notes of the conversion and
`kubehop convert --check` (exit 3) must name the problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kubehop.cli import main
from kubehop.convert import convert_manifest
from kubehop.model import KubeVersion

REPORTED = Path(__file__).resolve().parent / "reported"


def _convert(case: str) -> tuple[str, list[str]]:
    """The converted text and the notes (as `kind: message` lines) of a case."""
    text = (REPORTED / case / "input.yaml").read_text(encoding="utf-8")
    target = KubeVersion.parse((REPORTED / case / "target").read_text().strip())
    result = convert_manifest(text, target, path="input.yaml")
    return result.text, [str(note) for note in result.notes]


def check(case: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[dict[str, Any]]]:
    """`kubehop convert --check -o json` on a case: exit code and the reported rows."""
    target = (REPORTED / case / "target").read_text().strip()
    capsys.readouterr()
    code = main(["convert", str(REPORTED / case / "input.yaml"), "--target", target, "--check", "-o", "json", *extra])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.lstrip().startswith("[") else [])


def _messages(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{row['object']}: {row['message']}" for row in rows]


def test_every_reported_case_has_a_test() -> None:
    cases = {p.name for p in REPORTED.iterdir() if p.is_dir()}
    tested = {*REFUSED, "webhooks-duplicate-names", "cronjob-name-too-long", "cronjob-tz-prefix-before-1.25",
              "workloads-empty-selector-and-no-labels"}
    assert cases == tested


# --- inputs invalid in themselves: converted, with the problem named --------------------------------


def test_duplicate_webhook_names_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    text, notes = _convert("webhooks-duplicate-names")
    assert "apiVersion: admissionregistration.k8s.io/v1\n" in text
    assert "decision: ValidatingWebhookConfiguration dup: webhooks[*].name must be unique in v1: check.example.com repeat" in notes
    code, rows = check("webhooks-duplicate-names", capsys)
    assert code == 3
    assert _messages(rows) == [
        "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration dup: webhooks[0].name: Duplicate value: 'check.example.com'",
        "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration dup: webhooks[1].name: Duplicate value: 'check.example.com'",
    ]


def test_a_cronjob_name_over_52_characters_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    text, notes = _convert("cronjob-name-too-long")
    assert "apiVersion: batch/v1\n" in text
    assert notes == [
        "decision: CronJob report-with-a-name-that-is-far-too-long-for-batch-v1-jobs: metadata.name is 57 "
        "characters; batch/v1 CronJob names are at most 52"
    ]
    code, rows = check("cronjob-name-too-long", capsys)
    assert code == 3
    assert _messages(rows) == [
        "batch/v1 CronJob report-with-a-name-that-is-far-too-long-for-batch-v1-jobs: metadata.name: must be no "
        "more than 52 characters (57)"
    ]


def test_a_tz_schedule_prefix_stays_a_decision_where_time_zone_is_not_served(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text, notes = _convert("cronjob-tz-prefix-before-1.25")  # target 1.23
    assert 'schedule: "TZ=Europe/Berlin 0 6 * * *"' in text and "timeZone" not in text
    assert notes == [
        "decision: CronJob report: spec.schedule holds a TZ= prefix, which batch/v1 does not support (refused on "
        "create from 1.29): use spec.timeZone, served by default from Kubernetes 1.25, not at 1.23"
    ]
    code, rows = check("cronjob-tz-prefix-before-1.25", capsys)
    assert code == 3
    assert _messages(rows) == [
        "batch/v1 CronJob report: spec.schedule: Invalid value: TZ is not supported, use the spec.timeZone field"
    ]
    # From 1.25 the prefix moves to spec.timeZone and the object is valid.
    moved = convert_manifest((REPORTED / "cronjob-tz-prefix-before-1.25" / "input.yaml").read_text(), KubeVersion(1, 25))
    assert 'schedule: "0 6 * * *"\n  timeZone: Europe/Berlin\n' in moved.text


def test_workloads_without_template_labels_or_with_an_empty_selector_are_reported(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _text, notes = _convert("workloads-empty-selector-and-no-labels")
    assert (
        "decision: Deployment no-labels: spec.selector is required and the pod template has no labels to derive it from"
        in notes
    )
    assert "decision: ReplicaSet empty-selector: spec.selector is empty, which apps/v1 rejects; set it explicitly" in notes
    code, rows = check("workloads-empty-selector-and-no-labels", capsys)
    assert code == 3
    assert _messages(rows) == [
        "apps/v1 Deployment no-labels: spec.selector: Required value",
        "apps/v1 Deployment no-labels: spec: 'selector' is a required property",
        "apps/v1 ReplicaSet empty-selector: spec.selector: empty selector is invalid",
    ]


# --- redesigned alpha APIs: refused, left unchanged ----------------------------------------------------

# case -> (target, objects as `apiVersion Kind name`, why the converter refuses)
REFUSED = {
    "dra-v1alpha1": (
        "1.27",
        ["resource.k8s.io/v1alpha1 ResourceClass gpu", "resource.k8s.io/v1alpha1 ResourceClaim demo/gpu",
         "resource.k8s.io/v1alpha1 ResourceClaimTemplate demo/gpu"],
        "the dynamic resource allocation API was redesigned",
    ),
    "dra-alpha-redesigned": (
        "1.31",
        ["resource.k8s.io/v1alpha2 ResourceClass gpu", "resource.k8s.io/v1alpha2 ResourceClaim demo/gpu",
         "resource.k8s.io/v1alpha2 ResourceClaimTemplate demo/gpu", "resource.k8s.io/v1alpha2 ResourceSlice s"],
        "the dynamic resource allocation API was redesigned",
    ),
    "scheduling-workload-alpha1": (
        "1.36", ["scheduling.k8s.io/v1alpha1 Workload ml/training"], "alpha API redesigned between releases"
    ),
    "scheduling-gang-alphas": (
        "1.37",
        ["scheduling.k8s.io/v1alpha2 Workload ml/training", "scheduling.k8s.io/v1alpha2 PodGroup ml/workers"],
        "alpha API redesigned between releases",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_redesigned_alpha_apis_are_refused_and_left_unchanged(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    target, objects, why = REFUSED[case]
    assert (REPORTED / case / "target").read_text().strip() == target
    text, notes = _convert(case)
    assert text == (REPORTED / case / "input.yaml").read_text(encoding="utf-8")  # byte for byte
    assert len(notes) == len(objects)
    for note, obj in zip(notes, objects, strict=True):
        api_version, kind, _name = obj.split(" ")
        assert note.startswith("decision: ")
        assert f"{api_version} {kind} cannot be converted to " in note
        assert why in note and note.endswith("rewrite it by hand")
    code, rows = check(case, capsys)
    assert code == 3
    assert _messages(rows) == [f"{obj}: {' '.join(obj.split(' ')[:2])} is not served by {target}" for obj in objects]
