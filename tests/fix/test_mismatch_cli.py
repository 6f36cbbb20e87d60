"""Records copied between namespaces and restored under another revision's name, end to end through the
CLI against the API emulator, with the real helm reading the result: list and scan warn, fix refuses
without --force, fixes where Helm looks with it, and restore-backup gives the store back exactly."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kubehop.cli import main
from kubehop.helm.records import object_for, release_labels
from kubehop.helm.storage.kube import KubeStorage
from tests.fix.conftest import helm_env
from tests.fix.seed import NAME, OLD_APIS, history
from tests.fixtures.kube_api import KubeApi

pytestmark = pytest.mark.helm


def _seed(kube_api: KubeApi, ns: str) -> KubeStorage:
    """Revisions 1 and 2 copied from namespace `old-home` into `ns`; revision 2 stored as `...v5`."""
    storage = KubeStorage(kube_api.api_client(), kind="Secret", helm_major=3)
    first, second = history(3, "old-home", ("superseded", "deployed"))
    storage.put_raw(object_for(first, kind="Secret", namespace=ns,
                               labels=release_labels(first, now=1700000000, created=True)))
    labels = release_labels(second, now=1700000000, created=True) | {"version": "5"}
    storage.put_raw(object_for(second, kind="Secret", namespace=ns, labels=labels, key=f"sh.helm.release.v1.{NAME}.v5"))
    return storage


def _objects(kube_api: KubeApi, ns: str) -> list[dict[str, Any]]:
    """Every Secret in `ns` as the API returns it, minus resourceVersion (the server assigns it anew)."""
    from kubernetes import client

    items = json.loads(client.CoreV1Api(kube_api.api_client()).list_namespaced_secret(
        ns, _preload_content=False).data)["items"]
    for item in items:
        del item["metadata"]["resourceVersion"]
    return sorted(items, key=lambda i: str(i["metadata"]["name"]))


def _helm(helm: str, kube_api: KubeApi, *args: str) -> str:
    done = subprocess.run([helm, *args], env=helm_env(kube_api, "secret"), capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_mismatched_records_are_warned_refused_then_fixed_where_helm_looks_and_restored_exactly(
        helm_binary: str, kube_api: KubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    ns = kube_api.namespace()
    _seed(kube_api, ns)
    before = _objects(kube_api, ns)
    where = ["--kubeconfig", str(kube_api.kubeconfig), "-n", ns]

    assert main(["releases", "list", *where, "--all-revisions", "-o", "json"]) == 0
    captured = capsys.readouterr()
    rows = json.loads(captured.out)["releases"]
    assert [(r["namespace"], r["revision"]) for r in rows] == [(ns, 1), (ns, 2)]  # where the records are
    assert rows[0]["mismatches"] == [f"stored in namespace {ns}, body says namespace old-home"]
    assert rows[1]["mismatches"] == [f"stored in namespace {ns}, body says namespace old-home",
                                     f"key sh.helm.release.v1.{NAME}.v5, body says sh.helm.release.v1.{NAME}.v2",
                                     "label version '5', body says '2'"]
    assert f"kubehop: warning: secret:{ns}/sh.helm.release.v1.{NAME}.v5: record disagrees with its release body" \
           in captured.err

    assert main(["releases", "scan", *where, "--target", "1.19", "-o", "json"]) == 3
    notes = json.loads(capsys.readouterr().out)["notes"]
    assert any(f"{ns}/sh.helm.release.v1.{NAME}.v5: record disagrees" in n for n in notes)

    assert main(["releases", "fix", NAME, *where, "--target", "1.19"]) == 0
    out = capsys.readouterr().out
    assert "skipped" in out and "disagree with their release bodies" in out and "--force" in out
    assert _objects(kube_api, ns) == before and not list(tmp_path.glob("kubehop-releases-backup-*"))

    assert main(["releases", "fix", NAME, *where, "--target", "1.19", "--force", "--backup", "b.jsonl"]) == 0
    assert "revision 6 deployed, converted from revision 2" in capsys.readouterr().out
    names = [o["metadata"]["name"] for o in _objects(kube_api, ns)]
    assert names == [f"sh.helm.release.v1.{NAME}.v{n}" for n in (1, 5, 6)]
    # The real helm, looking in the records' namespace, sees one deployed revision: the converted one.
    history_rows = json.loads(_helm(helm_binary, kube_api, "history", NAME, "-n", ns, "-o", "json"))
    assert [(h["revision"], h["status"]) for h in history_rows] == [(1, "superseded"), (2, "superseded"),
                                                                    (6, "deployed")]
    manifest = _helm(helm_binary, kube_api, "get", "manifest", NAME, "-n", ns)
    assert "apiVersion: apps/v1\nkind: DaemonSet" in manifest and not any(api in manifest for api in OLD_APIS)
    status = json.loads(_helm(helm_binary, kube_api, "status", NAME, "-n", ns, "-o", "json"))
    assert (status["namespace"], status["version"]) == (ns, 6)

    assert main(["releases", "restore-backup", "b.jsonl", "--kubeconfig", str(kube_api.kubeconfig)]) == 0
    assert "1 record(s) put back, 1 revision(s) made by kubehop removed" in capsys.readouterr().out
    assert _objects(kube_api, ns) == before

