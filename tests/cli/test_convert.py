"""`kubehop convert` end to end through kubehop.cli.main: stdout, --write, --out-dir, --live, --check."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kubehop.cli import main

OLD = """# web
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: web
  namespace: demo
spec:
  template:
    metadata:
      labels: {app: web, chart: web-1.0.0}
    spec:
      containers: [{name: web, image: "nginx:1.19"}]
---
apiVersion: v1
kind: Service
metadata: {name: web}   # untouched
spec: {ports: [{port: 80}]}
"""
CURRENT = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
CSR = "apiVersion: certificates.k8s.io/v1beta1\nkind: CertificateSigningRequest\nmetadata: {name: c}\nspec: {request: aGk=}\n"


@pytest.fixture
def manifests(tmp_path: Path) -> Path:
    (tmp_path / "chart").mkdir()
    (tmp_path / "chart" / "web.yaml").write_text(OLD)
    (tmp_path / "chart" / "cm.yaml").write_text(CURRENT)
    return tmp_path / "chart"


def test_stdout_gets_the_manifests_and_stderr_the_notes(manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(manifests / "web.yaml"), "--target", "1.16"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# web\napiVersion: apps/v1\n")
    assert "  selector:\n    matchLabels:\n      app: web\n      chart: web-1.0.0\n" in out
    assert out.endswith("---\napiVersion: v1\nkind: Service\nmetadata: {name: web}   # untouched\nspec: {ports: [{port: 80}]}\n")
    assert "decision: spec.selector set to the template labels" in err


def test_write_backs_up_and_rewrites_only_changed_files(manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(manifests), "--target", "1.22", "--write", "-o", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {row["action"] for row in report} == {"convert"}
    assert report[0]["to"] == "apps/v1"
    assert (manifests / "web.yaml").read_text().count("apps/v1") == 1
    assert (manifests / "cm.yaml").read_text() == CURRENT
    backups = sorted(manifests.glob("*.bak"))
    assert [b.name.split(".kubehop-")[0] for b in backups] == ["web.yaml"]
    assert backups[0].read_text() == OLD
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    # Re-running converts nothing more and writes nothing more.
    assert main(["convert", str(manifests), "--target", "1.22", "--write"]) == 0
    assert "nothing to convert" in capsys.readouterr().out
    assert len(list(manifests.glob("*.bak"))) == 1


def test_out_dir_writes_every_file_under_its_relative_path(manifests: Path, tmp_path: Path) -> None:
    out = tmp_path / "converted"
    assert main(["convert", str(manifests), "--target", "1.22", "--out-dir", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["cm.yaml", "web.yaml"]
    assert (out / "cm.yaml").read_text() == CURRENT
    assert "apps/v1" in (out / "web.yaml").read_text()
    assert (manifests / "web.yaml").read_text() == OLD


def test_live_selector_is_used(manifests: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    live = tmp_path / "live.yaml"
    live.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: demo}\n"
                    "spec: {selector: {matchLabels: {app: web}}}\n")
    assert main(["convert", str(manifests / "web.yaml"), "--target", "1.16", "--live", str(live)]) == 0
    out, err = capsys.readouterr()
    assert "  selector:\n    matchLabels:\n      app: web\n  template:" in out
    assert "spec.selector copied from the live object" in err


def test_check_exits_3_and_lists_what_stays_invalid(manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (manifests / "csr.yaml").write_text(CSR)
    assert main(["convert", str(manifests), "--target", "1.22", "--check"]) == 3
    out = capsys.readouterr().out
    assert "certificates.k8s.io/v1 CertificateSigningRequest c  [invalid]" in out
    assert "spec.signerName: Required value" in out
    assert (manifests / "csr.yaml").read_text() == CSR  # --check alone writes nothing
    (manifests / "csr.yaml").unlink()
    assert main(["convert", str(manifests), "--target", "1.22", "--check"]) == 0
    assert "every object is valid at 1.22" in capsys.readouterr().out


def test_bad_input_fails_before_anything_is_written(manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (manifests / "zz-broken.yaml").write_text("apiVersion: v1\nkind: [oops\n")
    assert main(["convert", str(manifests), "--target", "1.22", "--write"]) == 1
    assert "zz-broken.yaml:1: not valid YAML" in capsys.readouterr().err
    assert (manifests / "web.yaml").read_text() == OLD
    assert list(manifests.glob("*.bak")) == []


@pytest.mark.parametrize("target", ["1.7", "2.0", "banana"])
def test_a_bad_target_is_a_usage_error(manifests: Path, target: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(manifests), "--target", target]) == 1
    assert "kubehop: error:" in capsys.readouterr().err


def test_the_installed_command_runs(manifests: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kubehop", "convert", str(manifests / "web.yaml"), "-t", "1.22"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "apiVersion: apps/v1" in done.stdout


def test_yaml_report_to_a_file(manifests: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    report = tmp_path / "report.yaml"
    out = tmp_path / "out"
    assert main(["convert", str(manifests), "-t", "1.16", "--out-dir", str(out), "-o", "yaml",
                 "--output-file", str(report)]) == 0
    assert capsys.readouterr().out == ""
    rows = yaml.safe_load(report.read_text())
    assert rows[0]["object"] == "extensions/v1beta1 Deployment demo/web"
    assert rows[0]["kind"] == "decision"


def test_an_out_dir_that_is_a_file_is_a_clean_error(
    manifests: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder\n")
    assert main(["convert", str(manifests), "--target", "1.22", "--out-dir", str(blocker / "sub")]) == 1
    assert "cannot create folder" in capsys.readouterr().err
    assert blocker.read_text() == "not a folder\n"


def test_a_failing_write_names_what_was_already_written(
    manifests: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kubehop.convert import files

    (manifests / "web2.yaml").write_text(OLD)
    real = files.replace_with_backup
    calls: list[Path] = []

    def second_fails(path: Path, text: str, backup_dir: Path | None = None) -> Path:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        return real(path, text, backup_dir)

    monkeypatch.setattr(files, "replace_with_backup", second_fails)
    assert main(["convert", str(manifests), "--target", "1.22", "--write"]) == 1
    err = capsys.readouterr().err
    assert "web2.yaml: cannot write: No space left on device; already written:" in err
    assert str(manifests / "web.yaml") in err
    assert (manifests / "web2.yaml").read_text() == OLD


def test_typed_lists_are_converted_wrapper_and_items(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lists.yaml"
    path.write_text("apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRoleList\nitems:\n"
                    "- metadata: {name: view-pods}\n  rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n")
    assert main(["convert", str(path), "--target", "1.22", "--write"]) == 0
    capsys.readouterr()
    text = path.read_text()
    assert text.startswith("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleList\nitems:\n")
    assert "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n" in text
    assert main(["convert", str(path), "--target", "1.22", "--check"]) == 0
    assert main(["scan", str(path), "--target", "1.22"]) == 0


REAL_WORLD = Path(__file__).resolve().parents[1] / "data" / "real-world"


def test_repeated_keys_of_a_real_chart_convert_with_a_warning_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "exporter.yaml"
    source.write_bytes((REAL_WORLD / "duplicate-keys.yaml").read_bytes())
    assert main(["convert", str(source), "--target", "1.16"]) == 0
    out, err = capsys.readouterr()
    assert "apiVersion: apps/v1\n" in out and out.count("livenessProbe:") == 1
    assert f"kubehop: warning: {source}:73: duplicate key 'livenessProbe' (the last one wins, as in Helm)\n" in err
    assert f"kubehop: warning: {source}:88: duplicate key 'metadata' (the last one wins, as in Helm)\n" in err
    assert "Traceback" not in err


def test_an_alias_bomb_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["apiVersion: extensions/v1beta1", "kind: Ingress", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    assert main(["convert", str(bomb), "--target", "1.22", "--write"]) == 1
    _out, err = capsys.readouterr()
    assert err == f"kubehop: error: {bomb}:1: alias expansion too large (YAML bomb?)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.yaml"]  # nothing written, no backup
