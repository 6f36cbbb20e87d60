"""Decisions given in advance (Decisions / `kubehop convert --signer-name ...`): what the golden cases
with an `args` file produce WITHOUT their decision (a decision note, `--check` exit 3), that the
decision makes them valid, and that decisions never override what the input already says."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from kubehop.cli import main
from kubehop.convert import Decisions, convert, convert_manifest
from kubehop.errors import UsageError
from kubehop.model import GroupVersionKind, KubeVersion

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "convert"


def _notes_without_decision(case: str) -> list[str]:
    text = (GOLDEN / case / "input.yaml").read_text(encoding="utf-8")
    target = KubeVersion.parse((GOLDEN / case / "target").read_text().strip())
    return [str(note) for note in convert_manifest(text, target).notes]


def _check(case: str, capsys: pytest.CaptureFixture[str], *, decided: bool) -> tuple[int, list[str]]:
    target = (GOLDEN / case / "target").read_text().strip()
    extra = shlex.split((GOLDEN / case / "args").read_text()) if decided else []
    capsys.readouterr()
    code = main(["convert", str(GOLDEN / case / "input.yaml"), "--target", target, "--check", "-o", "json", *extra])
    out = capsys.readouterr().out
    rows: list[dict[str, Any]] = json.loads(out) if out.lstrip().startswith("[") else []
    return code, [f"{row['object']}: {row['message']}" for row in rows]


def test_golden_cases_with_args_are_the_decision_cases() -> None:
    assert sorted(p.parent.name for p in GOLDEN.glob("*/args")) == sorted(WITHOUT)


# case -> (a decision note it keeps without its args, the --check problems then)
WITHOUT = {
    "sample-24-csr-v1beta1-to-1.22": (
        "decision: CertificateSigningRequest my-csr: spec.signerName is required in v1 and "
        "kubernetes.io/legacy-unknown is refused: choose the signer (e.g. kubernetes.io/kube-apiserver-client, "
        "kubernetes.io/kubelet-serving or your own; --signer-name); left unset",
        [
            "certificates.k8s.io/v1 CertificateSigningRequest my-csr: spec.signerName: Required value "
            "(kubernetes.io/legacy-unknown is not allowed)",
            "certificates.k8s.io/v1 CertificateSigningRequest my-csr: spec: 'signerName' is a required property",
        ],
    ),
    "webhooks-side-effects-some": (
        "decision: ValidatingWebhookConfiguration audit-writer: webhooks[0].sideEffects is Some: the webhook "
        "declares side effects on dry-run requests, which v1 refuses; left unset until the webhook honours dryRun "
        "(then NoneOnDryRun, --webhook-side-effects)",
        [
            "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration audit-writer: webhooks[0].sideEffects: "
            "Required value: must specify one of None, NoneOnDryRun",
            "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration audit-writer: webhooks.0: "
            "'sideEffects' is a required property",
        ],
    ),
    "crd-no-schema-non-structural": (
        "decision: CustomResourceDefinition typeless.example.com: spec.versions[0].schema is not structural: "
        "openAPIV3Schema.properties.spec has no type (write the type, or --crd-preserve-untyped-fields)",
        [
            "apiextensions.k8s.io/v1 CustomResourceDefinition typeless.example.com: spec.versions[0].schema: "
            "openAPIV3Schema.properties.spec has no type",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(WITHOUT))
def test_without_the_decision_the_output_keeps_a_decision_and_check_fails(
    case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    note, problems = WITHOUT[case]
    assert note in _notes_without_decision(case)
    assert _check(case, capsys, decided=False) == (3, problems)


@pytest.mark.parametrize("case", sorted(WITHOUT))
def test_with_the_decision_check_passes(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(case, capsys, decided=True) == (0, [])


CSR = {"apiVersion": "certificates.k8s.io/v1beta1", "kind": "CertificateSigningRequest", "metadata": {"name": "c"},
       "spec": {"request": "aGk="}}
CSR_V1 = GroupVersionKind("certificates.k8s.io", "v1", "CertificateSigningRequest")
HOOKS = {
    "apiVersion": "admissionregistration.k8s.io/v1beta1", "kind": "MutatingWebhookConfiguration",
    "metadata": {"name": "m"},
    "webhooks": [{"name": "a.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"]},
                 {"name": "b.example.com", "sideEffects": "Unknown", "admissionReviewVersions": ["v1"]},
                 {"name": "c.example.com", "admissionReviewVersions": ["v1"]}],
}


def test_the_signer_decision_fills_only_an_absent_or_legacy_signer() -> None:
    decided = Decisions(signer_name="example.com/my-signer")
    assert convert(CSR, CSR_V1, decisions=decided).obj["spec"]["signerName"] == "example.com/my-signer"
    legacy = {**CSR, "spec": {**CSR["spec"], "signerName": "kubernetes.io/legacy-unknown"}}  # type: ignore[dict-item]
    assert convert(legacy, CSR_V1, decisions=decided).obj["spec"]["signerName"] == "example.com/my-signer"
    kubelet = {**CSR, "spec": {**CSR["spec"], "signerName": "kubernetes.io/kubelet-serving"}}  # type: ignore[dict-item]
    assert convert(kubelet, CSR_V1, decisions=decided).obj["spec"]["signerName"] == "kubernetes.io/kubelet-serving"
    assert "signerName" not in convert(CSR, CSR_V1).obj["spec"]
    assert CSR["spec"] == {"request": "aGk="}  # the input is never touched


def test_the_side_effects_decision_replaces_only_values_v1_refuses() -> None:
    result = convert(HOOKS, GroupVersionKind("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration"),
                     decisions=Decisions(webhook_side_effects="NoneOnDryRun"))
    assert [hook["sideEffects"] for hook in result.obj["webhooks"]] == ["None", "NoneOnDryRun", "NoneOnDryRun"]
    assert [str(n) for n in result.notes if "sideEffects" in n.message] == [
        "info: webhooks[1].sideEffects set to NoneOnDryRun, the value given as a decision (was Unknown)",
        "info: webhooks[2].sideEffects set to NoneOnDryRun, the value given as a decision (was unset)",
    ]


def test_decisions_that_v1_would_refuse_are_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="only None or NoneOnDryRun"):
        Decisions(webhook_side_effects="Some")
    with pytest.raises(UsageError, match="legacy-unknown"):
        Decisions(signer_name="kubernetes.io/legacy-unknown")
    with pytest.raises(UsageError, match="DOMAIN/PATH"):
        Decisions(signer_name="my-signer")
    manifest = tmp_path / "csr.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    assert main(["convert", str(manifest), "--target", "1.22", "--signer-name", "kubernetes.io/legacy-unknown"]) == 1
    assert "signer name 'kubernetes.io/legacy-unknown'" in capsys.readouterr().err
    # A usage error exits 1 (2 and 3 mean findings).
    assert main(["convert", str(manifest), "--target", "1.22", "--webhook-side-effects", "Some"]) == 1
    assert "invalid choice: 'Some'" in capsys.readouterr().err


CRON: dict[str, Any] = {"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "r"},
        "spec": {"schedule": "CRON_TZ=Asia/Tokyo 0 6 * * *", "suspend": False, "jobTemplate": {}}}


def test_a_tz_prefix_moves_only_when_the_target_serves_time_zone() -> None:
    from kubehop.convert import convert_for_target

    moved = convert_for_target(CRON, KubeVersion(1, 25))
    assert moved.obj is not None
    assert list(moved.obj["spec"].items())[:3] == [
        ("schedule", "0 6 * * *"), ("timeZone", "Asia/Tokyo"), ("suspend", False)
    ]
    assert CRON["spec"]["schedule"] == "CRON_TZ=Asia/Tokyo 0 6 * * *"  # the input is never touched
    # a bare convert() knows no target: the prefix stays, as a decision
    bare = convert(CRON, GroupVersionKind("batch", "v1", "CronJob"))
    assert bare.obj["spec"]["schedule"] == "CRON_TZ=Asia/Tokyo 0 6 * * *"
    assert [n.kind.value for n in bare.notes] == ["decision"]
    # a spec.timeZone that disagrees with the prefix is not guessed either
    clash = {**CRON, "spec": {**CRON["spec"], "timeZone": "UTC"}}
    kept = convert_for_target(clash, KubeVersion(1, 27))
    assert kept.obj is not None and kept.obj["spec"]["schedule"] == "CRON_TZ=Asia/Tokyo 0 6 * * *"
    assert [str(n) for n in kept.notes] == [
        "decision: spec.schedule holds CRON_TZ=Asia/Tokyo but spec.timeZone is UTC: choose one and remove the other"
    ]
