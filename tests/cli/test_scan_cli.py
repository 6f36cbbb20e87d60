"""`kubehop scan` end to end, as a user runs it: exit codes, inputs, charts, golden outputs."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from kubehop.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "scan"
FORMATS = ("table", "json", "yaml", "markdown", "csv", "sarif", "junit")


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scan", *args])
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_output(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, _ = run(capsys, "examples/manifests", "--target", "1.19", "-o", fmt)
    assert code == 3
    golden = GOLDEN / f"examples-1.19.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(out)
    assert out == golden.read_text()


def test_json_envelope_contract(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "examples/manifests", "--target", "1.22", "-o", "json")
    data = json.loads(out)
    assert data["kubehopResultVersion"] == "1" and data["command"] == "scan" and data["target"] == "1.22"
    assert set(data["summary"]) >= {"findings", "removed", "deprecated", "error", "documents", "sources"}
    first = data["findings"][0]
    assert set(first) == {"rule", "tag", "severity", "message", "apiVersion", "kind", "name", "namespace",
                          "replacement", "deprecatedIn", "removedIn", "replacementAvailableIn", "location",
                          "details"}
    assert first["location"] == {"path": "examples/manifests/image-manager.yaml", "line": 16}


def test_sarif_is_2_1_0_with_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "examples/manifests", "--target", "1.19", "-o", "sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert region == {"artifactLocation": {"uri": "examples/manifests/image-manager.yaml"}, "region": {"startLine": 16}}


OLD_INGRESS = "apiVersion: extensions/v1beta1\nkind: Ingress\n"
BETA_INGRESS = "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\n"


@pytest.mark.parametrize(
    ("text", "target", "args", "expected"),
    [
        ("apiVersion: apps/v1\nkind: Deployment\n", "1.22", (), 0),
        (BETA_INGRESS, "1.21", (), 2),
        (OLD_INGRESS, "1.22", (), 3),
        (BETA_INGRESS, "1.21", ("--fail-on", "removed"), 0),
        (OLD_INGRESS, "1.22", ("--fail-on", "removed"), 3),
        (OLD_INGRESS, "1.22", ("--fail-on", "none"), 0),
        (OLD_INGRESS + "---\n" + BETA_INGRESS, "1.21", (), 2),
        (OLD_INGRESS + "---\n" + BETA_INGRESS, "1.22", (), 3),
        (OLD_INGRESS + "metadata: {name: [x\n", "1.22", (), 1),
        (OLD_INGRESS + "metadata: {name: [x\n---\n" + OLD_INGRESS, "1.22", (), 3),
    ],
)
def test_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, target: str,
                    args: tuple[str, ...], expected: int) -> None:
    assert run(capsys, write(tmp_path, "m.yaml", text), "--target", target, *args)[0] == expected


def test_usage_errors_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, "m.yaml", "apiVersion: v1\nkind: A\n")
    code, _, err = run(capsys, path, "--target", "1.7")
    assert code == 1 and "older than 1.8" in err
    code, _, err = run(capsys, path, "--target", "1.99")
    assert code == 1 and "newer than" in err
    code, _, err = run(capsys, str(tmp_path / "missing.yaml"), "--target", "1.22")
    assert code == 1 and "missing.yaml: no such file" in err
    code, _, err = run(capsys, path, "--target", "1.22", "--skip", "no-such-rule")
    assert code == 1 and "no such rule" in err


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\n"))
    code, out, _ = run(capsys, "-", "--target", "1.25", "-o", "json")
    finding = json.loads(out)["findings"][0]
    assert code == 3 and finding["location"]["path"] == "-" and finding["replacement"] == "batch/v1"


def test_directory_is_recursive_and_binary_files_are_noted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write(tmp_path, "a/b/c/deep.yml", "apiVersion: extensions/v1beta1\nkind: Ingress\n")
    write(tmp_path, "a/ok.json", '{"apiVersion": "v1", "kind": "ConfigMap"}')
    (tmp_path / "a" / "logo.yaml").write_bytes(b"\x89PNG\x00\x00\x00")
    write(tmp_path, "a/.hidden/x.yaml", "apiVersion: extensions/v1beta1\nkind: Ingress\n")
    code, out, err = run(capsys, str(tmp_path / "a"), "--target", "1.22")
    assert code == 3
    assert "deep.yml" in out and ".hidden" not in out
    assert "note: " not in out and "logo.yaml" not in out  # notes go to stderr, the report to stdout
    assert err == f"kubehop: note: {tmp_path / 'a' / 'logo.yaml'}: binary file, skipped\n"
    code, out, err = run(capsys, str(tmp_path / "a"), "--target", "1.22", "-q")
    assert code == 3 and "deep.yml" in out and err == ""  # -q, even after the subcommand, hides notes


def test_parse_error_does_not_hide_other_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write(tmp_path, "d/1-broken.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n\tbad: tab\n")
    write(tmp_path, "d/2-old.yaml", "apiVersion: extensions/v1beta1\nkind: Ingress\n")
    code, out, _ = run(capsys, str(tmp_path / "d"), "--target", "1.22", "--full-parse", "-o", "json")
    rules = [(f["rule"], Path(f["location"]["path"]).name, f["location"]["line"]) for f in json.loads(out)["findings"]]
    assert rules == [("parse-error", "1-broken.yaml", 4), ("removed-api", "2-old.yaml", 1)]
    assert code == 3


CHART = ROOT / "examples" / "charts" / "image-manager"


def test_chart_directory_is_rendered_with_helm(capsys: pytest.CaptureFixture[str], helm_binary: str) -> None:
    code, out, _ = run(capsys, str(CHART), "--target", "1.19", "-o", "json", "--release-name", "im")
    findings = json.loads(out)["findings"]
    templates = {(f["rule"], f["location"]["template"]) for f in findings}
    assert ("removed-api", "image-manager/templates/daemonset.yaml") in templates
    assert ("deprecated-api", "image-manager/templates/ingress.yaml") in templates
    assert {f["name"] for f in findings} == {"im", "im-init-certs"}
    assert code == 3


def test_chart_values_and_set_are_passed(capsys: pytest.CaptureFixture[str], tmp_path: Path, helm_binary: str) -> None:
    values = write(tmp_path, "v.yaml", "ingress:\n  enabled: false\n")
    _, out, _ = run(capsys, str(CHART), "--target", "1.19", "-o", "json", "-f", values)
    assert all(f["kind"] != "Ingress" for f in json.loads(out)["findings"])
    _, out, _ = run(capsys, str(CHART), "--target", "1.19", "-o", "json", "-f", values, "--set", "ingress.enabled=true",
                    "--namespace", "tools")
    assert any(f["kind"] == "Ingress" for f in json.loads(out)["findings"])


def test_packaged_chart(capsys: pytest.CaptureFixture[str], tmp_path: Path, helm_binary: str) -> None:
    package = tmp_path / "image-manager-3.3.2001.tgz"
    with tarfile.open(package, "w:gz") as tar:
        tar.add(CHART, arcname="image-manager")
    code, out, _ = run(capsys, str(package), "--target", "1.16", "-o", "json")
    assert code == 3 and {f["kind"] for f in json.loads(out)["findings"]} == {"DaemonSet", "StatefulSet", "Ingress"}


def test_broken_chart_is_a_finding_not_a_crash(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                              helm_binary: str) -> None:
    chart = tmp_path / "broken"
    shutil.copytree(CHART, chart)
    (chart / "templates" / "bad.yaml").write_text("{{ .Values.nope.missing }}\n")
    other = write(tmp_path, "old.yaml", "apiVersion: extensions/v1beta1\nkind: Ingress\n")
    code, out, _ = run(capsys, str(chart), other, "--target", "1.22", "-o", "json")
    rules = [f["rule"] for f in json.loads(out)["findings"]]
    assert rules == ["parse-error", "removed-api"] and code == 3


def test_console_script_and_module_entry_points() -> None:
    done = subprocess.run([sys.executable, "-m", "kubehop", "scan", "examples/manifests/rbac.yaml", "--target",
                           "1.22", "-o", "csv"], capture_output=True, text=True, check=False)
    assert done.returncode == 3 and done.stdout.startswith("severity,rule,path")


def test_scan_start_up_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from kubehop.cli import main\n"
        "main(['-q', 'scan', 'examples/manifests/rbac.yaml', '--target', '1.22', '-o', 'json'])\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    loaded = set(done.stderr.split())
    heavy = {"kubernetes", "psycopg", "ruamel.yaml", "kubernetes_validate", "google.protobuf", "urllib3",
             "kubehop.cli.etcd", "kubehop.cli.releases", "kubehop.cli.convert", "kubehop.cli.check"}
    assert "kubehop.cli.scan" in loaded and not heavy & loaded


TYPED_LISTS = """apiVersion: v1
kind: ConfigMap
metadata: {name: plain}
---
apiVersion: rbac.authorization.k8s.io/v1beta1
kind: RoleList
items:
- metadata: {name: reader}
  rules: []
---
{"apiVersion": "apiregistration.k8s.io/v1beta1", "kind": "APIServiceList",
 "items": [{"metadata": {"name": "v1.example.com"}}]}
"""


@pytest.mark.parametrize("full_parse", [False, True])
def test_typed_list_wrappers_and_items_are_reported_with_the_item(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, full_parse: bool) -> None:
    path = write(tmp_path, "lists.yaml", TYPED_LISTS)
    code, out, _ = run(capsys, path, "--target", "1.22", "-o", "json", *(["--full-parse"] if full_parse else []))
    found = [(f["rule"], f["apiVersion"], f["kind"], f["name"], f["location"]["line"], f["location"].get("item"),
              f["replacement"]) for f in json.loads(out)["findings"]]
    assert found == [
        ("removed-api", "rbac.authorization.k8s.io/v1beta1", "RoleList", "", 5, None, "rbac.authorization.k8s.io/v1"),
        ("removed-api", "rbac.authorization.k8s.io/v1beta1", "Role", "reader", 8, "items[0]",
         "rbac.authorization.k8s.io/v1"),
        ("removed-api", "apiregistration.k8s.io/v1beta1", "APIServiceList", "", 11, None, "apiregistration.k8s.io/v1"),
        ("removed-api", "apiregistration.k8s.io/v1beta1", "APIService", "v1.example.com", 11, "items[0]",
         "apiregistration.k8s.io/v1"),
    ]
    assert code == 3
    code, out, _ = run(capsys, path, "--target", "1.22")
    assert out.startswith(f"{path}\n")  # the table groups rows under their file
    assert re.search(r"^  8 items\[0\] +removed +Role/reader ", out, re.M), out


def test_repeated_keys_are_read_as_helm_reads_them_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "dup.yaml", "apiVersion: v1\nkind: Pod\napiVersion: extensions/v1beta1\nkind: Ingress\n"
                 "metadata: {name: web}\n")
    code, out, err = run(capsys, path, "--target", "1.22")
    assert code == 3
    assert re.search(r"^  1 +removed +Ingress/web +extensions/v1beta1 ", out, re.M), out
    assert f"note: {path}:3: duplicate key 'apiVersion' (the last one wins, as in Helm)\n" in err
    assert f"note: {path}:4: duplicate key 'kind' (the last one wins, as in Helm)\n" in err
