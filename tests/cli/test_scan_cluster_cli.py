"""`kubehop scan --cluster` / `--releases` end to end against the kmock cluster (context `prod`, v1.21.14)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kubehop.cli import main
from tests.fixtures.kube_api import write_kubeconfig
from tests.fixtures.kube_cluster import KubeCluster
from tests.fixtures.kube_cluster_seed import SECRET_CANARY, SECRET_CANARY_B64

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "scan"
FORMATS = ("table", "json", "yaml", "markdown", "csv", "sarif", "junit")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scan", *args])
    out, err = capsys.readouterr()
    return code, out, err


def check_golden(name: str, out: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out)
    assert out == golden.read_text()


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_golden_cluster_scan_with_the_default_target(
    capsys: pytest.CaptureFixture[str], kube_cluster: KubeCluster, fmt: str
) -> None:
    code, out, err = run(capsys, "--cluster", "--kubeconfig", str(kube_cluster.kubeconfig),
                         "--annotation", "kapp.k14s.io/original", "-o", fmt)
    assert code == 3
    assert err.startswith("kubehop: no --target given: scanning for 1.22, the minor after the server's 1.21.14 "
                          "(context prod)\n")
    assert "kubehop: note: skipped podsecuritypolicies.policy" in err  # notes: stderr, not the report
    check_golden(f"cluster-1.22.{fmt}", out)


def test_kubeconfig_from_the_environment_and_namespace(
    capsys: pytest.CaptureFixture[str], kube_cluster: KubeCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(kube_cluster.kubeconfig))
    code, out, _ = run(capsys, "--cluster", "--context", "prod", "-n", "other", "--target", "1.25", "-o", "json")
    data = json.loads(out)
    assert code == 3 and data["target"] == "1.25"
    assert [(f["location"]["path"], f["severity"]) for f in data["findings"]] == [
        ("cluster:prod/other/poddisruptionbudgets.policy/web#last-applied", "removed")]
    assert "namespace other only: cluster-scoped resources were not scanned" in data["notes"]


def test_paths_and_cluster_together(capsys: pytest.CaptureFixture[str], kube_cluster: KubeCluster) -> None:
    code, out, _ = run(capsys, "examples/manifests", "--cluster", "--kubeconfig", str(kube_cluster.kubeconfig),
                       "--target", "1.22", "-o", "json")
    paths = {f["location"]["path"] for f in json.loads(out)["findings"]}
    assert code == 3
    assert any(p.startswith("examples/manifests/") for p in paths)
    assert any(p.startswith("cluster:prod/") for p in paths)


@pytest.mark.parametrize("fmt", FORMATS)
def test_secret_data_is_never_printed(capsys: pytest.CaptureFixture[str], kube_cluster: KubeCluster, fmt: str) -> None:
    code, out, err = run(capsys, "--cluster", "--kubeconfig", str(kube_cluster.kubeconfig), "-n", "shop",
                         "--target", "1.22", "--lifecycle", str(ROOT / "tests/data/lifecycle-secret.yaml"),
                         "-o", fmt)
    assert code == 3
    assert "secrets/db-credentials" in out  # the Secret was scanned ...
    assert SECRET_CANARY not in out + err and SECRET_CANARY_B64 not in out + err  # ... its data never shown


def test_forbidden_resource_is_a_note(capsys: pytest.CaptureFixture[str], kube_cluster: KubeCluster) -> None:
    code, out, err = run(capsys, "--cluster", "--kubeconfig", str(kube_cluster.kubeconfig), "-A", "--target", "1.22")
    assert code == 3
    assert ("kubehop: note: skipped podsecuritypolicies.policy: context prod: list podsecuritypolicies.policy: "
            "403 Forbidden") in err and "note:" not in out


def test_unreachable_cluster(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = write_kubeconfig(tmp_path / "config", "http://127.0.0.1:9")
    code, out, err = run(capsys, "--cluster", "--kubeconfig", str(config))
    assert code == 1 and out == ""
    assert err.startswith("kubehop: error: context kmock: cannot reach the API server (GET /version)")


@pytest.mark.parametrize(("args", "message"), [
    ((), "nothing to scan: give a PATH, --cluster or --releases"),
    (("examples/manifests",), "--target is required"),
    (("--cluster", "-n", "a", "-A"), "-n/--namespace and -A/--all-namespaces exclude each other"),
    (("--cluster", "--chunk-size", "0"), "--chunk-size must be at least 1"),
])
def test_usage_errors(capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str) -> None:
    code, _, err = run(capsys, *args)
    assert code == 1 and message in err


def test_releases(capsys: pytest.CaptureFixture[str]) -> None:
    storage = f"file:{ROOT / 'examples/releases/helm3-image-manager.yaml'}"
    code, out, _ = run(capsys, "--releases", "--storage", storage, "--target", "1.22", "-o", "json")
    data = json.loads(out)
    assert code == 3 and data["findings"]
    assert all(f["location"].get("release") for f in data["findings"])


def test_rejected_credentials(capsys: pytest.CaptureFixture[str], kube_cluster: KubeCluster) -> None:
    kube_cluster.emulator.reject_tokens = True
    try:
        code, out, err = run(capsys, "--cluster", "--kubeconfig", str(kube_cluster.kubeconfig))
    finally:
        kube_cluster.emulator.reject_tokens = False
    assert code == 1 and out == ""
    assert err == "kubehop: error: context prod: GET /version: 401 Unauthorized: Unauthorized\n"
