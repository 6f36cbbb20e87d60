"""`kubehop check upgrade|rollback` end to end through kubehop.cli.main: exit codes, inputs (files,
release storage, charts rendered by the real helm), golden output in every format."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from kubehop.cli import main
from kubehop.helm.storage.file import FileStorage
from tests.check.helpers import DATA
from tests.fixtures.tools import Helm
from tests.helm.factories import helm3_release

SEED = DATA / "seed"
GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "check"
FORMATS = ("table", "json", "yaml", "markdown", "csv", "sarif", "junit")
OFFLINE_UPGRADE = ["check", "upgrade", "x", "-n", "kube-system", "--helm-version", "3.17.3",
                   "--manifest", "chart-1.3.0.yaml", "--current-manifest", "revision-2.yaml", "--live", "live.yaml"]


@pytest.fixture
def in_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SEED)  # relative paths keep the golden files machine-independent
    monkeypatch.delenv("HELM_NAMESPACE", raising=False)


@pytest.fixture
def seed_store(tmp_path: Path) -> Path:
    """Release x as the seed left it: 1 extensions-era, 2 rewritten by mapkubeapis, 3 the fixed chart."""
    path = tmp_path / "releases.yaml"
    store = FileStorage(path)
    fixed = (SEED / "revision-2.yaml").read_text().replace(
        "spec:\n  template:",
        "spec:\n  selector:\n    matchLabels:\n      app: x\n      chart: x-1.2.3\n      heritage: Tiller\n"
        "      release: x\n  template:")
    for version, status, manifest in ((1, "superseded", (SEED / "revision-1.yaml").read_text()),
                                      (2, "superseded", (SEED / "revision-2.yaml").read_text()),
                                      (3, "deployed", fixed)):
        store.create(helm3_release(name="x", namespace="kube-system", version=version, status=status,
                                   manifest=manifest))
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_output(capsys: pytest.CaptureFixture[str], in_seed: None, fmt: str) -> None:
    assert main([*OFFLINE_UPGRADE, "--kube-version", "1.19", "-o", fmt]) == 3
    out = capsys.readouterr().out
    golden = GOLDEN / f"seed-upgrade.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(out)
    assert out == golden.read_text()


def test_json_carries_the_fix_steps_and_helm_error(capsys: pytest.CaptureFixture[str], in_seed: None) -> None:
    assert main([*OFFLINE_UPGRADE, "-o", "json"]) == 3
    data = json.loads(capsys.readouterr().out)
    check = data["check"]
    assert check["rejected"] is True and check["operation"] == "upgrade" and check["live"] == "supplied"
    assert check["helmError"].startswith('Error: UPGRADE FAILED: cannot patch "x" with kind DaemonSet')
    [fix] = check["fixes"]
    assert fix["selector"] == {"matchLabels": {"app": "x", "chart": "x-1.2.3", "heritage": "Tiller", "release": "x"}}
    assert fix["frozenLabels"] == ["chart", "heritage"] and fix["template"] == "x/templates/daemonset.yaml"
    assert len(check["steps"]) == 5
    finding = next(f for f in data["findings"] if f["severity"] == "removed")
    assert finding["details"]["field"] == "spec.template.metadata.labels"


def test_rollback_from_file_storage(capsys: pytest.CaptureFixture[str], seed_store: Path) -> None:
    base = ["check", "rollback", "x", "-n", "kube-system", "--storage", f"file:{seed_store}",
            "--helm-version", "3.17.3", "--live", str(SEED / "live.yaml")]
    assert main([*base, "--to-revision", "2"]) == 3
    out = capsys.readouterr().out
    assert 'spec.selector: Invalid value: "null": field is immutable]' in out
    assert "Do not roll x back to revision 2" in out
    assert "kube-system/x#2 [x/templates/daemonset.yaml]" in out
    # Revision 3 (itself) and an extensions-era revision without a cluster version: only 2 is the trap.
    assert main([*base, "--to-revision", "3"]) == 0
    capsys.readouterr()
    assert main([*base, "--to-revision", "1", "--kube-version", "1.19"]) == 3
    assert "unable to build kubernetes objects from new release manifest" in capsys.readouterr().out


def test_upgrade_diffs_against_the_stored_deployed_revision(capsys: pytest.CaptureFixture[str],
                                                            seed_store: Path) -> None:
    args = ["check", "upgrade", "x", "-n", "kube-system", "--storage", f"file:{seed_store}", "--helm-version",
            "3.17.3", "--manifest", str(SEED / "chart-1.3.0.yaml"), "-o", "json"]
    assert main(args) == 3  # live inferred from revision 3's selector
    data = json.loads(capsys.readouterr().out)
    assert data["check"]["currentRevision"] == 3 and data["check"]["live"] == "inferred"
    assert any("inferred" in note for note in data["notes"])


@pytest.mark.helm
def test_chart_is_rendered_with_helm_and_the_values_fix_passes(capsys: pytest.CaptureFixture[str], any_helm: Helm,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBEHOP_HELM", any_helm.path)
    chart = str(DATA / "chart-x")
    args = ["check", "upgrade", "x", "-n", "kube-system", "--helm-version", "3.17.3", "--chart", chart,
            "--current-manifest", str(SEED / "revision-2.yaml"), "--live", str(SEED / "live.yaml")]
    assert main(args) == 3
    assert "heritage=Tiller (template: Helm)" in capsys.readouterr().out
    assert main([*args, "-f", str(DATA / "chart-x-fix-values.yaml")]) == 0
    assert main([*args, "-f", str(DATA / "chart-x-fix-values.yaml"), "--force"]) == 0
    assert main([*args, "--set", "chartLabel=x-1.2.3", "--set", "heritage=Tiller"]) == 0  # patch keeps the selector
    assert main([*args, "--set", "chartLabel=x-1.2.3", "--set", "heritage=Tiller", "--force"]) == 3  # a PUT does not


def test_helm2_force_rollback_reports_the_seeds_error(capsys: pytest.CaptureFixture[str], in_seed: None) -> None:
    args = ["check", "rollback", "internal-management-ingress", "-n", "kube-system", "--to-revision", "2",
            "--manifest", "icp-revision-2.yaml", "--current-manifest", "icp-revision-3.yaml",
            "--live", "icp-live.yaml", "--force", "--helm-version", "2.17.0"]
    assert main(args) == 3
    assert 'Error: failed to create resource: DaemonSet.apps "internal-management-ingress" is invalid: ' \
           "spec.template.metadata.labels: Invalid value:" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--manifest", "missing.yaml", "--current-manifest", "revision-2.yaml"], "missing.yaml: no such file"),
    (["--manifest", "chart-1.3.0.yaml", "--current-manifest", "broken.yaml"], "broken.yaml"),
    (["--manifest", "chart-1.3.0.yaml", "--current-manifest", "revision-2.yaml", "--helm-version", "three"],
     "not a Helm version"),
    (["--manifest", "chart-1.3.0.yaml", "--current-manifest", "revision-2.yaml", "--kube-version", "x"],
     "not a Kubernetes version"),
])
def test_bad_input_exits_1_naming_it(capsys: pytest.CaptureFixture[str], in_seed: None, tmp_path: Path,
                                     args: list[str], message: str) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: v1\nkind: [unclosed\n")
    args = [str(broken) if a == "broken.yaml" else a for a in args]
    assert main(["check", "upgrade", "x", *args]) == 1
    assert message in capsys.readouterr().err


def test_missing_release_and_revision_are_errors(capsys: pytest.CaptureFixture[str], seed_store: Path) -> None:
    base = ["check", "rollback", "-n", "kube-system", "--storage", f"file:{seed_store}"]
    assert main([*base, "nope"]) == 1
    assert "release 'nope' not found" in capsys.readouterr().err
    assert main([*base, "x", "--to-revision", "9"]) == 1
    assert "revision 9 not found (stored revisions: 1, 2, 3)" in capsys.readouterr().err


def test_output_file_and_clean_exit(capsys: pytest.CaptureFixture[str], in_seed: None, tmp_path: Path) -> None:
    out = tmp_path / "report.yaml"
    assert main(["check", "upgrade", "x", "-n", "kube-system", "--manifest", "revision-2.yaml",
                 "--current-manifest", "revision-2.yaml", "--live", "live.yaml", "-o", "yaml",
                 "--output-file", str(out)]) == 0
    data = yaml.safe_load(out.read_text())
    assert data["check"]["rejected"] is False
    assert [f["rule"] for f in data["findings"]] == ["selector-missing", "force-is-put"]  # latent traps
    assert capsys.readouterr().out == ""


def test_rollback_names_the_stored_revisions_that_are_safe(capsys: pytest.CaptureFixture[str],
                                                           seed_store: Path) -> None:
    from kubehop.check.inputs import release_history

    store = FileStorage(seed_store)
    revision3 = release_history(store, "x", "kube-system")[-1]
    store.create(helm3_release(name="x", namespace="kube-system", version=4, status="deployed",
                               manifest=revision3.manifest.replace("agent:1.2.3", "agent:1.3.1")))
    args = ["check", "rollback", "x", "-n", "kube-system", "--storage", f"file:{seed_store}", "--helm-version",
            "3.17.3", "--live", str(SEED / "live.yaml"), "--to-revision", "2", "-o", "json"]
    assert main(args) == 3
    check = json.loads(capsys.readouterr().out)["check"]
    assert check["safeRollbackRevisions"] == [3]
    assert check["steps"][0].startswith("Do not roll x back to revision 2: the apiserver will reject it. Roll back "
                                        "to revision 3 instead")


def test_unreadable_release_record_is_an_error_naming_it(capsys: pytest.CaptureFixture[str],
                                                         seed_store: Path) -> None:
    text = seed_store.read_text()
    start = text.index("release: ", text.index("sh.helm.release.v1.x.v3")) + len("release: ")
    seed_store.write_text(text[:start] + "bm90IGd6aXA=" + text[text.index("\n", start):])  # "not gzip"
    code = main(["check", "rollback", "x", "-n", "kube-system", "--storage", f"file:{seed_store}",
                 "--to-revision", "2", "--live", str(SEED / "live.yaml")])
    assert code == 1
    err = capsys.readouterr().err
    assert "sh.helm.release.v1.x.v3" in err and "unreadable release record" in err


def test_skip_by_rule_or_tag(capsys: pytest.CaptureFixture[str], in_seed: None) -> None:
    assert main([*OFFLINE_UPGRADE, "--skip", "selector-template-mismatch[DaemonSet/x]"]) == 0
    capsys.readouterr()
    assert main([*OFFLINE_UPGRADE, "--skip", "force-is-put,selector-template-mismatch", "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main([*OFFLINE_UPGRADE, "--skip", "no-such-rule"]) == 1
    assert "no such check rule" in capsys.readouterr().err


def test_offline_namespace_comes_from_the_live_objects(capsys: pytest.CaptureFixture[str], in_seed: None) -> None:
    args = [a for a in OFFLINE_UPGRADE if a not in ("-n", "kube-system")]
    assert main([*args, "-o", "json"]) == 3  # live.yaml is in kube-system, so the DaemonSet is matched
    assert json.loads(capsys.readouterr().out)["check"]["namespace"] == "kube-system"
