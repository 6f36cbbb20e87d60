"""Add-on lifecycle packs end to end: `kubehop lifecycle packs|show` and `--lifecycle pack:NAME` on scan."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kubehop.cli import main
from kubehop.model import ExitCode

ROOT = Path(__file__).resolve().parents[2]
ADDONS = ROOT / "tests" / "data" / "lifecycle" / "addons.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code, out, _ = run(capsys, "scan", str(ADDONS), "--target", "1.22", "-o", "json", *args)
    return code, json.loads(out)["findings"]


def test_lifecycle_packs_lists_every_pack(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lifecycle", "packs")
    assert code == 0
    for name in ("pack:cert-manager", "pack:external-snapshotter", "pack:gateway-api", "pack:istio"):
        assert name in out
    code, out, _ = run(capsys, "lifecycle", "packs", "-o", "json")
    records = {r["name"]: r for r in json.loads(out)}
    assert records["pack:cert-manager"]["project"] == "cert-manager" and records["pack:cert-manager"]["rows"] == 24
    assert records["pack:gateway-api"]["newest"] == "1.2"


def test_lifecycle_show_prints_a_packs_rows_with_their_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lifecycle", "show", "pack:external-snapshotter")
    assert code == 0
    row = next(line for line in out.splitlines()
               if line.split()[:2] == ["snapshot.storage.k8s.io/v1beta1", "VolumeSnapshot"])
    assert row.split()[2:8] == ["external-snapshotter", "4.1", "external-snapshotter", "6.0",
                                "snapshot.storage.k8s.io/v1", "(external-snapshotter"]
    assert "Sources:\n[1] external-snapshotter v1.0.1 release notes" in out
    assert "kubernetes-csi/external-snapshotter#709" in out
    code, out, _ = run(capsys, "lifecycle", "show", "pack:istio", "-o", "yaml")
    rows = yaml.safe_load(out)
    policy = next(r for r in rows if r["kind"] == "Policy")
    assert (policy["deprecatedIn"], policy["removedIn"], policy["replacement"]) == (
        "istio 1.4", "istio 1.6", "security.istio.io/v1beta1 PeerAuthentication")
    assert "istio.io/latest/blog/2021/migrate-alpha-policy" in policy["source"]


def test_lifecycle_show_reads_the_shipped_data_and_user_files(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lifecycle", "show", "-o", "json")
    rows = json.loads(out)
    deployment = next(r for r in rows if (r["apiVersion"], r["kind"]) == ("extensions/v1beta1", "Deployment"))
    assert deployment["interim"] == [{"apiVersion": "apps/v1beta2", "kind": "Deployment", "from": "1.8",
                                      "to": "1.15"}]
    code, out, _ = run(capsys, "lifecycle", "show", str(ROOT / "examples" / "lifecycle" / "cert-manager.yaml"))
    assert code == 0 and "certmanager.k8s.io/v1alpha1" in out


@pytest.mark.parametrize(("pack", "expected"), [
    ("cert-manager", {("certmanager.k8s.io/v1alpha1", "Issuer", "cert-manager.io/v1", "cert-manager 0.11"),
                      ("cert-manager.io/v1beta1", "Certificate", "cert-manager.io/v1", "cert-manager 1.6")}),
    ("gateway-api", {("gateway.networking.k8s.io/v1alpha2", "HTTPRoute", "gateway.networking.k8s.io/v1",
                      "gateway-api 0.8")}),
    ("external-snapshotter", {("snapshot.storage.k8s.io/v1beta1", "VolumeSnapshot", "snapshot.storage.k8s.io/v1",
                               "external-snapshotter 6.0")}),
    ("istio", {("authentication.istio.io/v1alpha1", "Policy", "security.istio.io/v1beta1 PeerAuthentication",
                "istio 1.6")}),
])
def test_scan_with_a_pack_finds_the_old_objects_with_replacement_and_source(
        capsys: pytest.CaptureFixture[str], pack: str, expected: set[tuple[str, str, str, str]]) -> None:
    code, found = findings(capsys, "--lifecycle", f"pack:{pack}")
    assert code == 3  # removed APIs found
    assert {(str(f["apiVersion"]), str(f["kind"]), str(f["replacement"]), str(f["removedIn"]))
            for f in found} == expected
    for finding in found:
        assert finding["rule"] == "removed-api"
        assert "https://" in finding["details"]["source"]  # type: ignore[index]


def test_scan_without_a_pack_knows_nothing_of_add_ons(capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(capsys)
    assert code == 0 and found == []


def test_scan_at_an_add_on_release_reports_deprecation_and_the_served_replacement(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(capsys, "--lifecycle", "pack:cert-manager@1.5", "--lifecycle", "pack:gateway-api@0.6")
    assert code == 3  # certmanager.k8s.io/v1alpha1 is gone in cert-manager 1.5 too
    by_kind = {str(f["kind"]): f for f in found}
    assert by_kind["Certificate"]["rule"] == "deprecated-api"
    assert by_kind["Certificate"]["message"] == (
        "cert-manager.io/v1beta1 Certificate is deprecated in cert-manager 1.5: deprecated in cert-manager 1.4, "
        "removed in cert-manager 1.6; use cert-manager.io/v1 (served since cert-manager 1.0)")
    # Gateway API 0.6 does not serve v1 yet: the replacement named is v1beta1.
    assert (by_kind["HTTPRoute"]["replacement"], by_kind["HTTPRoute"]["replacementAvailableIn"]) == (
        "gateway.networking.k8s.io/v1beta1", "gateway-api 0.5")
    assert by_kind["Issuer"]["rule"] == "removed-api"


def test_scan_table_lists_the_sources_of_pack_findings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scan", str(ROOT / "examples" / "addons"), "--target", "1.22",
                       "--lifecycle", "pack:cert-manager")
    assert code == 3
    assert "cert-manager.io/v1 (cert-manager 1.0+)  cert-manager 1.4  cert-manager 1.6" in out
    assert "Sources:\n- cert-manager.io/v1alpha2 Certificate: cert-manager docs, Migrating Deprecated API" in out


def test_unknown_pack_is_a_one_line_error_from_the_real_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "kubehop", "scan", str(ADDONS), "--target", "1.22",
                           "--lifecycle", "pack:linkerd"], capture_output=True, text=True, check=False)
    assert done.returncode == int(ExitCode.ERROR), done.stderr
    assert done.stderr.strip().splitlines() == [
        "kubehop: error: unknown lifecycle pack 'linkerd' (known: cert-manager, external-snapshotter, "
        "gateway-api, istio)"]


def test_plan_refuses_packs_with_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "--from", "1.20", "--to", "1.23", str(ROOT / "examples" / "addons"),
                         "--lifecycle", "pack:cert-manager")
    assert code == int(ExitCode.ERROR) and out == ""
    assert err.strip() == ("kubehop: error: --lifecycle pack:cert-manager: add-on packs apply to scan, releases scan "
                           "and check, not to plan, which steps through Kubernetes versions")


def test_releases_scan_with_a_pack_reports_add_on_objects_in_release_records(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kubehop.helm.records import object_for, release_labels
    from tests.helm.factories import helm3_release

    manifest = ("---\n# Source: web/templates/certificate.yaml\napiVersion: cert-manager.io/v1alpha3\n"
                "kind: Certificate\nmetadata:\n  name: web\nspec:\n  secretName: web-tls\n")
    release = helm3_release(name="web", manifest=manifest)
    record = object_for(release, kind="Secret", namespace="default",
                        labels=release_labels(release, now=1700000000, created=True))
    store = tmp_path / "records.yaml"
    store.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [record]}))
    code, out, _ = run(capsys, "releases", "scan", "--storage", f"file:{store}", "--target", "1.22", "-o", "json")
    assert code == 0 and json.loads(out)["findings"] == []
    code, out, _ = run(capsys, "releases", "scan", "--storage", f"file:{store}", "--target", "1.22", "-o", "json",
                       "--lifecycle", "pack:cert-manager")
    [finding] = json.loads(out)["findings"]
    assert code == 3
    assert (finding["kind"], finding["replacement"], finding["removedIn"]) == (
        "Certificate", "cert-manager.io/v1", "cert-manager 1.6")
    assert finding["location"]["release"] == "web" and finding["location"]["template"] == "web/templates/certificate.yaml"


def test_rbac_rules_on_a_group_the_add_on_no_longer_serves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    role = tmp_path / "role.yaml"
    role.write_text("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: certs}\n"
                    "rules:\n- apiGroups: [certmanager.k8s.io]\n  resources: [certificates]\n  verbs: [get]\n"
                    "- apiGroups: [cert-manager.io]\n  resources: [certificates]\n  verbs: [get]\n")
    code, out, _ = run(capsys, "scan", str(role), "--target", "1.22", "-o", "json", "--lifecycle", "pack:cert-manager")
    [finding] = json.loads(out)["findings"]
    assert code == 2  # the worst finding is a deprecation
    assert finding["rule"] == "deprecated-api-group-in-rbac"
    assert finding["message"] == (
        "ClusterRole certs rules[0] grants on certmanager.k8s.io/certificates, which current cert-manager releases "
        "no longer serves (removed in cert-manager 0.11); grant it on apiGroup cert-manager.io instead")
