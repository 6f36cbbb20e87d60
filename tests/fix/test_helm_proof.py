"""Proof with the real helm binary and Helm's SQL driver (real PostgreSQL): after `kubehop releases fix`,
`helm history` shows the new deployed revision, `helm get manifest` the converted manifest, and
`helm upgrade --dry-run` against an API server that serves exactly the target's group/versions
(tests/fixtures/served_api.py) gets past the "unable to build kubernetes objects from current release
manifest" error it gave before. For every release kubehop calls fixed, helm passes; a release that cannot
be made valid never comes out fixed."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.helm.storage.sql import SqlStorage
from tests.fix import proof_cases
from tests.fix.conftest import helm_env
from tests.fix.seed import NAME, history
from tests.fixtures.kube_api import KubeApi
from tests.fixtures.postgres import Postgres
from tests.fixtures.served_api import ServedApi
from tests.fixtures.tools import Helm
from tests.helm.factories import helm3_release

pytestmark = [pytest.mark.helm, pytest.mark.postgres]

CHART_TEMPLATES = {
    "daemonset.yaml": """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: image-manager-init-certs
spec:
  selector:
    matchLabels: {app: image-manager-init-certs, release: image-manager}
  template:
    metadata:
      labels: {app: image-manager-init-certs, release: image-manager}
    spec:
      containers: [{name: init-certs, image: "registry.example.com/image-manager-init:3.3.2002"}]
""",
    "ingress.yaml": """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: image-manager
spec:
  rules:
    - host: images.example.com
      http:
        paths:
          - path: /
            pathType: ImplementationSpecific
            backend: {service: {name: image-manager, port: {number: 8600}}}
""",
}


def _chart(root: Path) -> Path:
    chart = root / "image-manager"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: image-manager\nversion: 3.3.2002\n")
    for name, text in CHART_TEMPLATES.items():
        (chart / "templates" / name).write_text(text)
    return chart


def _helm(helm: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([helm, *args], env=env, capture_output=True, text=True, timeout=60, check=False)


def test_helm_upgrade_works_after_the_fix_through_the_sql_driver(
        any_helm: Helm, kube_api: KubeApi, postgres: Postgres, served_api: ServedApi, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    ns = "imaging"
    helm_binary = any_helm.path
    helm_sql = postgres.fresh_database()
    assert _helm(helm_binary, helm_env(kube_api, "sql", helm_sql), "list", "-A").returncode == 0  # Helm's schema
    storage = SqlStorage(helm_sql)
    try:
        for release in history(3, ns):
            storage.create(release)
    finally:
        storage.close()
    env = helm_env(kube_api, "sql", helm_sql, kubeconfig=served_api.kubeconfig("1.19"))
    chart = _chart(tmp_path)
    upgrade = ("upgrade", NAME, str(chart), "-n", ns, "--dry-run", "--disable-openapi-validation")
    before = _helm(helm_binary, env, *upgrade)
    assert before.returncode != 0
    assert "unable to build kubernetes objects from current release manifest" in before.stderr

    monkeypatch.setenv("HELM_DRIVER_SQL_CONNECTION_STRING", helm_sql)
    monkeypatch.chdir(tmp_path)
    assert main(["releases", "fix", NAME, "--storage", "sql", "-n", ns, "--target", "1.19",
                 "--backup", str(tmp_path / "backup.jsonl")]) == 0
    assert "revision 3 deployed, converted from revision 2" in capsys.readouterr().out

    listed = _helm(helm_binary, env, "history", NAME, "-n", ns, "-o", "json")
    assert listed.returncode == 0, listed.stderr
    assert [(h["revision"], h["status"], h["description"]) for h in json.loads(listed.stdout)] == [
        (1, "superseded", "Install complete"), (2, "superseded", "Upgrade complete"),
        (3, "deployed", "kubehop: converted APIs for Kubernetes 1.19 from revision 2")]
    manifest = _helm(helm_binary, env, "get", "manifest", NAME, "-n", ns)
    assert manifest.returncode == 0, manifest.stderr
    assert "apiVersion: apps/v1\nkind: DaemonSet" in manifest.stdout
    assert 'apiVersion: "apps/v1"\nkind: StatefulSet' in manifest.stdout
    assert "apiVersion: networking.k8s.io/v1\nkind: Ingress" in manifest.stdout
    assert "extensions/v1beta1" not in manifest.stdout and "apps/v1beta1" not in manifest.stdout

    after = _helm(helm_binary, env, *upgrade)
    assert "unable to build kubernetes objects" not in after.stderr
    assert after.returncode == 0, after.stderr
    assert "REVISION: 4" in after.stdout and "registry.example.com/image-manager-init:3.3.2002" in after.stdout


@pytest.mark.parametrize("case", proof_cases.CASES, ids=lambda c: f"{c.name}-{c.target}")
def test_every_release_kubehop_calls_fixed_passes_the_real_helm(
        case: proof_cases.Case, helm_binary: str, kube_api: KubeApi, helm_sql: str, served_api: ServedApi,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    ns = f"proof{os.urandom(4).hex()}"
    storage = SqlStorage(helm_sql)
    try:
        storage.create(helm3_release(name=case.name, namespace=ns, version=1, status="deployed",
                                     manifest=proof_cases.manifest(case), hooks=proof_cases.hooks(case)))
    finally:
        storage.close()
    env = helm_env(kube_api, "sql", helm_sql, kubeconfig=served_api.kubeconfig(case.target))
    upgrade = ("upgrade", case.name, str(proof_cases.plain_chart(tmp_path)), "-n", ns, "--dry-run",
               "--disable-openapi-validation")
    before = _helm(helm_binary, env, *upgrade)
    assert before.returncode != 0 and "unable to build kubernetes objects from current release manifest" in \
        before.stderr, before.stderr
    uninstall = ("uninstall", case.name, "-n", ns)
    if case.hooks:  # `helm uninstall` runs the stored pre-delete hooks: it fails on a removed API in them
        hook_before = _helm(helm_binary, env, *uninstall)
        assert hook_before.returncode != 0 and "unable to build kubernetes object for deleting hook" in \
            hook_before.stderr and "no matches for kind" in hook_before.stderr, hook_before.stderr

    monkeypatch.setenv("HELM_DRIVER_SQL_CONNECTION_STRING", helm_sql)
    monkeypatch.chdir(tmp_path)
    fix = ["releases", "fix", case.name, "--storage", "sql", "-n", ns, "--target", case.target, *case.args]
    capsys.readouterr()
    assert main([*fix, "--dry-run", "-o", "json"]) == (0 if case.expected == "fixed" else 1)
    (predicted,) = json.loads(capsys.readouterr().out)["releases"]
    code = main([*fix, "--backup", str(tmp_path / "backup.jsonl"), "-o", "json"])
    (result,) = json.loads(capsys.readouterr().out)["releases"]
    assert (result["result"], code) == (case.expected, 0 if case.expected == "fixed" else 1), result
    assert predicted["result"] == ("would fix" if case.expected == "fixed" else case.expected), predicted

    after = _helm(helm_binary, env, *upgrade)
    if result["result"] != "fixed":
        assert after.returncode != 0 and "unable to build kubernetes objects" in after.stderr
        return
    assert "unable to build kubernetes objects" not in after.stderr
    assert after.returncode == 0, after.stderr
    # What kubehop wrote is what Helm reads: the new revision scans clean at the target, hooks included.
    assert main(["releases", "scan", "--storage", "sql", "-n", ns, "--release", case.name, "--target", case.target,
                 "-o", "json"]) in (0, 2, 3)
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f for f in findings if f["location"]["revision"] == 2 and f["severity"] in ("removed", "error")] == []
    assert main([*fix, "--backup", str(tmp_path / "again.jsonl"), "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["releases"][0]["result"] == "unchanged"
    if case.hooks:  # the converted hooks are built and run (created) by the real helm
        hook_after = _helm(helm_binary, env, *uninstall)
        assert hook_after.returncode == 0, hook_after.stderr
        assert f'release "{case.name}" uninstalled' in hook_after.stdout


@pytest.mark.parametrize("target", ["1.11", "1.16", "1.19", "1.22", "1.25", "1.29", "1.37"])
def test_the_served_api_serves_exactly_what_the_lifecycle_data_says(target: str) -> None:
    from kubehop.lifecycle import ApiStatus, Lifecycle
    from kubehop.model import KubeVersion
    from tests.fixtures.served_api import served

    version = KubeVersion.parse(target)
    resources = served(version)
    for entry in Lifecycle.default().entries:
        kinds = resources.get(entry.api_version, {})
        if entry.status_at(version) is ApiStatus.REMOVED:
            assert entry.kind not in kinds, (entry.api_version, entry.kind)
        step = entry.replacement_at(version)
        if step is not None and (step[2] is None or step[2] <= version) and "alpha" not in step[0]:
            later = Lifecycle.default().lookup(step[0], step[1])
            if later is None or later.status_at(version) is not ApiStatus.REMOVED:
                assert step[1] in resources.get(step[0], {}), (entry.api_version, entry.kind, step)
    assert "alpha" not in " ".join(resources)
