"""`kubehop plan` end to end: the seed story (1.16.7 -> 1.19.3) and a long hop (1.19 -> 1.25), golden
outputs per format, exit codes, inventory inputs and their errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kubehop.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "plan"
SEED = ["--from", "1.16.7", "--to", "1.19.3", "examples/manifests", "examples/charts/image-manager",
        "--release-name", "image-manager", "--releases", "--storage", "file:examples/releases/helm2-image-manager.yaml"]
LONG = ["--from", "1.19", "--to", "1.25", "tests/plan/data/batch-1.19.yaml", "examples/manifests",
        "--releases", "--storage", "file:examples/releases/helm3-image-manager.yaml"]
FORMATS = ("markdown", "json", "yaml", "shell")


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["plan", *args])
    out, err = capsys.readouterr()
    return code, out, err


def check_golden(name: str, out: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(out)
    assert out == golden.read_text()


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_story_golden(capsys: pytest.CaptureFixture[str], helm_binary: str, fmt: str) -> None:
    code, out, _ = run(capsys, *SEED, "-o", fmt)
    assert code == 0
    check_golden(f"seed-1.16.7-1.19.3.{fmt}", out)


def test_shell_waits_for_manual_exports_before_converting(capsys: pytest.CaptureFixture[str],
                                                          helm_binary: str) -> None:
    _, out, _ = run(capsys, *SEED, "-o", "shell")
    lines = out.splitlines()
    convert = next(i for i, line in enumerate(lines) if line.startswith("  kubehop convert "))
    assert "--live" in lines[convert] and lines[convert - 1] == "  pause 'Run the commands above by hand first:'"
    exports = [line for line in lines[:convert] if "by hand: kubectl get" in line and "-o yaml >" in line]
    assert len(exports) == 2


@pytest.mark.parametrize("fmt", ("markdown", "json"))
def test_long_hop_golden_is_blocked_by_podsecuritypolicy(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, _ = run(capsys, *LONG, "-o", fmt)
    assert code == 3
    check_golden(f"long-1.19-1.25.{fmt}", out)


def test_seed_story_plan_content(capsys: pytest.CaptureFixture[str], helm_binary: str) -> None:
    _, out, _ = run(capsys, *SEED, "-o", "json")
    plan = json.loads(out)
    assert plan["path"] == ["1.16.7", "1.17", "1.18", "1.19.3"] and plan["blocked"] is False
    first = plan["steps"][0]
    keys = [p["key"] for p in first["phases"]]
    # fix charts first, then Kubernetes, then charts again
    assert keys == ["fix-objects", "release-records", "charts", "etcd-snapshot", "control-plane", "kubelets",
                    "charts-again", "verify"]
    assert [p["key"] for p in first["rollback"]] == ["rollback-charts", "rollback-kubelets", "rollback-etcd",
                                                     "rollback-secrets", "rollback-verify"]
    moved = {(m["kind"], m["name"], m["origin"], m["moveTo"]) for m in first["mustFix"]}
    assert ("DaemonSet", "image-manager-agent", "release", "apps/v1") in moved
    assert ("StatefulSet", "image-manager", "file", "apps/v1") in moved
    assert first["etcd"] == {"before": "3.3.15", "after": "3.4.3"}
    lines = [c["line"] for p in first["phases"] for t in p["tasks"] for c in t["commands"]]
    assert "kubehop releases fix image-manager --target 1.17 -n default " \
           "--storage file:examples/releases/helm2-image-manager.yaml" in lines
    assert lines.index('kubehop etcd backup "${BACKUP_DIR}/etcd-before-1.17.db"') < lines.index(
        'kubeadm upgrade apply "${KUBE_1_17}"')
    floor = " ".join(first["warnings"])
    assert "--revisions all" in floor and "no spec.selector" in floor
    # the Ingress moves to networking.k8s.io/v1 in the step that first serves it
    last = plan["steps"][2]
    again = next(p for p in last["phases"] if p["key"] == "charts-again")
    assert any("networking.k8s.io/v1, served from 1.19" in t["text"] for t in again["tasks"])


def test_inventory_files_plan_like_direct_inputs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["releases", "scan", "--storage", "file:examples/releases/helm2-image-manager.yaml",
                 "--target", "1.19", "-o", "json", "--output-file", str(tmp_path / "releases.json")]) == 3
    assert main(["scan", "examples/manifests", "--target", "1.19", "-o", "json",
                 "--output-file", str(tmp_path / "scan.json")]) == 3
    capsys.readouterr()
    code, out, _ = run(capsys, "--from", "1.16.7", "--to", "1.19.3", "--inventory", str(tmp_path / "releases.json"),
                       "--inventory", str(tmp_path / "scan.json"), "-o", "json")
    assert code == 0
    via_files = json.loads(out)
    code, out, _ = run(capsys, "--from", "1.16.7", "--to", "1.19.3", "examples/manifests", "--releases",
                       "--storage", "file:examples/releases/helm2-image-manager.yaml", "-o", "json")
    direct = json.loads(out)

    def moves(plan: dict) -> list:  # type: ignore[type-arg]
        return [sorted((m["kind"], m["name"], m["apiVersion"], m["moveTo"]) for m in s["mustFix"] + s["deprecated"])
                for s in plan["steps"]]

    # a scan at 1.19 does not report the 1.22 removals as removed, yet the plan re-evaluates them every step
    assert moves(via_files) == moves(direct)


def test_downgrade_points_at_the_rollback_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--from", "1.19.3", "--to", "1.16.7", "examples/manifests")
    assert code == 1 and out == ""
    assert "does not support in-place minor downgrades" in err and "etcd snapshot" in err


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "not valid JSON"),
    ('{"kubehopResultVersion": "9", "findings": []}', "kubehopResultVersion '9' is not supported"),
    ('{"items": []}', "not a kubehop scan result"),
    ('{"findings": []}', "no kubehopResultVersion"),
    ('{"kubehopResultVersion": "1", "findings": [{"rule": "removed-api", "location": {}}]}',
     "finding 1: `location.path` is required"),
])
def test_bad_inventory_names_the_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str,
                                      message: str) -> None:
    bad = tmp_path / "scan.json"
    bad.write_text(content)
    code, out, err = run(capsys, "--from", "1.16", "--to", "1.17", "--inventory", str(bad))
    assert code == 1 and out == ""
    assert str(bad) in err and message in err


def test_no_input_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--from", "1.16", "--to", "1.17")
    assert code == 1 and "give PATHs, --inventory FILE or --releases" in err


def test_versions_outside_the_lifecycle_data_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--from", "1.7", "--to", "1.9", "examples/manifests")
    assert code == 1 and "older than 1.8" in err


def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    code, out, _ = run(capsys, "--from", "1.21", "--to", "1.22", "examples/manifests", "--output-file", str(target))
    assert code == 0 and out == ""
    text = target.read_text()
    assert text.startswith("# Upgrade plan: Kubernetes 1.21 -> 1.22") and "- [ ] " in text


def test_live_cluster_scan_as_inventory(capsys: pytest.CaptureFixture[str]) -> None:
    # the golden output of `kubehop scan --cluster` against the kmock cluster (a 1.21.14 server)
    code, out, _ = run(capsys, "--from", "1.21.14", "--to", "1.25", "--inventory",
                       "tests/golden/scan/cluster-1.22.json", "-o", "json")
    assert code == 0
    plan = json.loads(out)
    first, last = plan["steps"][0], plan["steps"][-1]
    assert ("Ingress", "web", "cluster", "networking.k8s.io/v1") in {
        (m["kind"], m["name"], m["origin"], m["moveTo"]) for m in first["mustFix"]}
    # the CronJob written by an operator is re-evaluated at 1.25 although the scan was for 1.22
    assert ("CronJob", "nightly-backup", "batch/v1") in {(m["kind"], m["name"], m["moveTo"]) for m in last["mustFix"]}
    lines = [c["line"] for p in first["phases"] for t in p["tasks"] for c in t["commands"]]
    assert "kubehop scan --cluster -A --target 1.22 --fail-on removed" in lines


def test_etcd_without_a_verified_kubeadm_version_is_said_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--from", "1.30", "--to", "1.31", "examples/manifests", "-o", "json")
    assert code == 0
    (step,) = json.loads(out)["steps"]
    assert step["etcd"] == {"before": "3.5.12", "after": ""}
    texts = [t["text"] for p in step["phases"] if p["key"] == "control-plane" for t in p["tasks"]]
    assert any("no verified record of the etcd kubeadm runs with 1.31" in t for t in texts)


def test_chart_values_reach_the_check_and_upgrade_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                           helm_binary: str) -> None:
    values = tmp_path / "prod.yaml"
    values.write_text("ingress:\n  enabled: false\n")
    code, out, _ = run(capsys, "--from", "1.16.7", "--to", "1.17", "examples/charts/image-manager",
                       "--release-name", "image-manager", "-f", str(values), "--set", "image.tag=3.3.2002",
                       "-o", "json")
    assert code == 0
    plan = json.loads(out)
    step = plan["steps"][0]
    assert not any(m["kind"] == "Ingress" for m in step["mustFix"] + step["deprecated"])  # values applied
    lines = [c["line"] for p in step["phases"] for t in p["tasks"] for c in t["commands"]]
    assert (f"kubehop check upgrade image-manager --chart examples/charts/image-manager "
            f"-f {values} --set image.tag=3.3.2002 --cluster") in lines


def test_user_lifecycle_rows_are_planned(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    manifest = tmp_path / "certificate.yaml"
    manifest.write_text("apiVersion: cert-manager.io/v1alpha2\nkind: Certificate\n"
                        "metadata: {name: web-tls, namespace: shop}\nspec: {secretName: web-tls}\n")
    code, out, _ = run(capsys, "--from", "1.19", "--to", "1.22", str(manifest),
                       "--lifecycle", "examples/lifecycle/cert-manager.yaml", "-o", "json")
    assert code == 0
    steps = json.loads(out)["steps"]
    assert [[(m["kind"], m["moveTo"]) for m in s["mustFix"]] for s in steps] == [
        [], [], [("Certificate", "cert-manager.io/v1")]]
    assert [len(s["deprecated"]) for s in steps] == [1, 1, 0]
    code, out, _ = run(capsys, "--from", "1.19", "--to", "1.22", str(manifest), "-o", "json")
    assert code == 0 and all(not s["mustFix"] for s in json.loads(out)["steps"])  # unknown without the rows


def test_missing_inventory_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "--from", "1.16", "--to", "1.17", "--inventory", str(tmp_path / "nope.json"))
    assert code == 1 and out == ""
    assert f"{tmp_path / 'nope.json'}: cannot read inventory" in err


@pytest.mark.parametrize("fmt", ["markdown", "json", "shell"])
def test_an_unreadable_input_blocks_the_plan(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    (tmp_path / "old.yaml").write_text("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\n")
    (tmp_path / "bin.yaml").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "broken.yaml").write_text("apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: [\n")
    code, out, _ = run(capsys, "--from", "1.16", "--to", "1.19", str(tmp_path), "-o", fmt)
    assert code == 1  # never "ready" (exit 0) when something was not read
    if fmt == "markdown":
        assert "**Status: BLOCKED**: 2 input(s) could not be read" in out and "Status: ready" not in out
        assert f"- {tmp_path / 'bin.yaml'}: binary file, skipped" in out
    elif fmt == "json":
        data = json.loads(out)
        assert data["blocked"] is True and data["incomplete"] is True and len(data["warnings"]) == 2
    else:
        assert "\nexit 1\n" in out.split("begin_1()")[0]  # the script refuses before the first step
    code, out, _ = run(capsys, "--from", "1.16", "--to", "1.19", str(tmp_path / "old.yaml"), "-o", fmt)
    assert code == 0 and "could not be read" not in out


def test_a_chart_that_does_not_render_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   helm_binary: str) -> None:
    chart = tmp_path / "badchart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: badchart\nversion: 0.1.0\n")
    (chart / "templates" / "ing.yaml").write_text("kind: Ingress\nmetadata:\n  labels: {{ .Values.x\n")
    code, out, err = run(capsys, "--from", "1.16", "--to", "1.19", str(chart))
    assert code == 1 and out == "" and "Status" not in out
    assert err.startswith(f"kubehop: error: {chart}: helm template failed: parse error at (badchart/templates/ing.yaml:")


def test_hyperkube_is_planned_before_the_step_to_1_19(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--from", "1.16.7", "--to", "1.19.3", "examples/control-plane", "-o", "json")
    assert code == 0
    plan = json.loads(out)
    notes = {step["to"]: [n for n in step["notes"] if n["rule"] == "hyperkube"] for step in plan["steps"]}
    assert [len(notes[t]) for t in ("1.17", "1.18", "1.19.3")] == [0, 0, 4]
    replacements = sorted(n["details"]["replacement_image"] for n in notes["1.19.3"])
    assert replacements == [f"registry.k8s.io/{c}:v1.16.7" for c in
                            ("kube-apiserver", "kube-controller-manager", "kube-proxy", "kube-scheduler")]
    code, out, _ = run(capsys, "--from", "1.16.7", "--to", "1.19.3", "examples/control-plane")
    step3 = out.split("## Step 3")[1]
    assert "kube-apiserver, kube-controller-manager, kube-proxy, kube-scheduler run hyperkube, which has no 1.19.3 " \
           "image" in step3
    before = out.split("## Step 3")[0]
    assert "useHyperKubeImage" in step3 and "runs hyperkube" not in before and "run hyperkube" not in before
