"""`kubehop releases list|scan` end to end, through kubehop.cli.main."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from kubehop.cli import main
from kubehop.helm.codec_v2 import release_from_proto
from kubehop.helm.storage.kube import KubeStorage
from kubehop.helm.storage.sql import SqlStorage
from tests.fixtures.kube_api import KubeApi
from tests.fixtures.postgres import Postgres
from tests.helm.factories import helm2_proto, helm3_release

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "releases"
HELM3 = f"file:{EXAMPLES / 'helm3-image-manager.yaml'}"
HELM2 = f"file:{EXAMPLES / 'helm2-image-manager.yaml'}"


def test_list_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["releases", "list", "--storage", HELM3]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "NAMESPACE", "REVISION", "STATUS", "CHART", "APP", "VERSION", "HELM",
                                "STORAGE"]
    assert lines[1].split()[:7] == ["image-manager", "default", "3", "deployed", "image-manager-0.1.2",
                                    "3.3.2003", "v3"]
    assert len(lines) == 2


def test_list_every_revision_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["releases", "list", "--storage", HELM2, "--all-revisions", "-o", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["releases"]
    assert [(r["revision"], r["status"], r["helmVersion"]) for r in rows] == [
        (1, "superseded", 2), (2, "superseded", 2), (3, "deployed", 2)]
    assert rows[0]["storageKey"] == "kube-system/image-manager.v1"


@pytest.mark.parametrize("storage", [HELM3, HELM2])
def test_scan_reports_every_revision_and_hooks(storage: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["releases", "scan", "--storage", storage, "--target", "1.19", "-o", "json"]) == 3
    findings = json.loads(capsys.readouterr().out)["findings"]
    removed = {(f["location"]["revision"], f["location"]["status"], f["kind"])
               for f in findings if f["rule"] == "removed-api"}
    assert removed == {(rev, "deployed" if rev == 3 else "superseded", kind)
                       for rev in (1, 2, 3) for kind in ("DaemonSet", "StatefulSet")}
    hooks = [f for f in findings if f["location"].get("template") == "image-manager/templates/hook-rbac.yaml"]
    assert {f["location"]["revision"] for f in hooks} == {1, 2, 3}
    assert all(f["location"]["release"] == "image-manager" and f["location"]["storageKey"] for f in findings)


@pytest.mark.parametrize("fmt", ["yaml", "markdown", "csv", "sarif", "junit", "table"])
def test_scan_speaks_every_scan_format(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["releases", "scan", "--storage", HELM3, "--target", "1.16", "-o", fmt]) == 3
    assert "image-manager" in capsys.readouterr().out


def test_bad_record_is_reported_skipped_and_fails_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "records.yaml"
    shutil.copy(EXAMPLES / "helm3-image-manager.yaml", path)
    doc = yaml.safe_load(path.read_text())
    doc["items"][0]["data"]["release"] = "bm90IGd6aXA="  # base64 of "not gzip": not a Helm payload
    path.write_text(yaml.safe_dump(doc))
    assert main(["releases", "scan", "--storage", f"file:{path}", "--target", "1.25", "--fail-on", "none",
                 "-o", "json"]) == 1
    captured = capsys.readouterr()
    findings = json.loads(captured.out)["findings"]
    assert [f["location"]["storageKey"] for f in findings if f["rule"] == "parse-error"] == [
        "sh.helm.release.v1.image-manager.v1"]
    assert {f["location"].get("revision") for f in findings if f["rule"] == "removed-api"} == {2, 3}
    assert "default/sh.helm.release.v1.image-manager.v1" in captured.err
    assert main(["releases", "list", "--storage", f"file:{path}"]) == 1


def test_list_from_kubernetes_secrets_and_tiller(kube_api: KubeApi, capsys: pytest.CaptureFixture[str]) -> None:
    ns, tiller = kube_api.namespace(), kube_api.namespace()
    KubeStorage(kube_api.api_client(), kind="Secret", helm_major=3).create(helm3_release(name="web", namespace=ns))
    KubeStorage(kube_api.api_client(), kind="ConfigMap", helm_major=2, tiller_namespace=tiller).create(
        release_from_proto(helm2_proto(name="legacy", namespace=ns).SerializeToString()))
    config = ["--kubeconfig", str(kube_api.kubeconfig)]
    assert main(["releases", "list", *config, "-n", ns, "-o", "json"]) == 0
    assert [r["name"] for r in json.loads(capsys.readouterr().out)["releases"]] == ["web"]
    assert main(["releases", "list", *config, "--storage", "tiller-configmap", "--tiller-namespace", tiller,
                 "-o", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["releases"]
    assert [(r["name"], r["namespace"], r["helmVersion"], r["storage"]) for r in rows] == [
        ("legacy", ns, 2, "tiller-configmap")]
    assert main(["releases", "scan", *config, "-n", ns, "--target", "1.16", "-o", "json"]) == 3
    assert {f["location"]["release"] for f in json.loads(capsys.readouterr().out)["findings"]} == {"web"}


@pytest.mark.postgres
def test_helm_driver_sql_is_honoured(kube_api: KubeApi, postgres: Postgres, helm_binary: str,
                                     monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import subprocess

    url = postgres.fresh_database()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": "/tmp", "KUBECONFIG": str(kube_api.kubeconfig),
           "HELM_DRIVER": "sql", "HELM_DRIVER_SQL_CONNECTION_STRING": url}
    subprocess.run([helm_binary, "list"], env=env, check=True, capture_output=True, timeout=60)
    storage = SqlStorage(url)
    storage.create(helm3_release(name="db", namespace="data"))
    storage.close()
    monkeypatch.setenv("HELM_DRIVER", "sql")
    monkeypatch.setenv("HELM_DRIVER_SQL_CONNECTION_STRING", url)
    assert main(["releases", "list", "-A", "-o", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["releases"]
    assert [(r["name"], r["namespace"], r["storage"]) for r in rows] == [("db", "data", "sql")]


def test_unknown_storage_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["releases", "list", "--storage", "memory"]) == 1
    assert "unknown storage 'memory'" in capsys.readouterr().err


def test_scan_reads_repeated_keys_as_helm_does_with_a_note(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from kubehop.helm.records import object_for, release_labels

    manifest = (Path(__file__).resolve().parents[1] / "data" / "real-world" / "duplicate-keys.yaml").read_text()
    release = helm3_release(name="exporter", namespace="apps", manifest=manifest)
    record = object_for(release, kind="Secret", namespace="apps", labels=release_labels(release, now=1, created=True))
    store = tmp_path / "store.yaml"
    store.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [record]}))
    assert main(["releases", "scan", "--storage", f"file:{store}", "--target", "1.16", "-A"]) == 3
    out, err = capsys.readouterr()
    assert out.startswith("apps/exporter#1 (deployed)\n")  # rows grouped under their release revision
    assert re.search(r"^  templates/deployment.yaml:1 +removed +Deployment/", out, re.M), out
    assert ("note: apps/exporter#1 (deployed) [elasticsearch-exporter/templates/deployment.yaml]:71: duplicate key "
            "'livenessProbe' (the last one wins, as in Helm)\n") in err
