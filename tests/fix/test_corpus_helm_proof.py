"""The real-world proof of "fixed": charts of corpus/ as Helm releases in Helm's SQL storage (real
PostgreSQL). Before the fix the real helm cannot upgrade the releases that hold removed APIs; after
`kubehop releases fix --all`, every release kubehop calls fixed upgrades (`helm upgrade --dry-run`)
against an API server that serves exactly Kubernetes 1.22's group/versions.

Each real helm upgrade takes seconds, so this runs on every 16th chart (13 of 206, spread over the
alphabet); tests/test_corpus.py checks the fix's post-condition on all 206 with kubehop's own scan."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.helm.storage.sql import SqlStorage
from tests.fix import proof_cases
from tests.fix.conftest import helm_env
from tests.fixtures.kube_api import KubeApi
from tests.fixtures.served_api import ServedApi
from tests.helm.factories import helm3_release

pytestmark = [pytest.mark.helm, pytest.mark.postgres]

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "helm-charts-2018"
TARGET = "1.22"
NAMESPACE = "corpus-proof"
SAMPLE = 16
BROKEN = "unable to build kubernetes objects from current release manifest"


def _upgrades(helm: str, env: dict[str, str], chart: Path, names: list[str]) -> dict[str, str]:
    """helm upgrade --dry-run of each release: the stderr of those that fail."""
    def one(name: str) -> tuple[str, int, str]:
        done = subprocess.run([helm, "upgrade", name, str(chart), "-n", NAMESPACE, "--dry-run",
                               "--disable-openapi-validation"], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        return name, done.returncode, done.stderr

    with ThreadPoolExecutor(max_workers=4) as pool:
        return {name: err for name, code, err in pool.map(one, names) if code != 0}


def test_every_corpus_release_called_fixed_upgrades_with_the_real_helm(
        helm_binary: str, kube_api: KubeApi, helm_sql: str, served_api: ServedApi, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    storage = SqlStorage(helm_sql)
    names = []
    try:
        for chart in sorted(CORPUS.glob("*.yaml"))[::SAMPLE]:
            name = chart.stem[:50]
            manifest = chart.read_text(encoding="utf-8")
            storage.create(helm3_release(name=name, namespace=NAMESPACE, version=1, status="superseded",
                                         manifest=manifest))
            storage.create(helm3_release(name=name, namespace=NAMESPACE, version=2, status="deployed",
                                         manifest=manifest))
            names.append(name)
    finally:
        storage.close()
    env = helm_env(kube_api, "sql", helm_sql, kubeconfig=served_api.kubeconfig(TARGET))
    chart = proof_cases.plain_chart(tmp_path)
    before = _upgrades(helm_binary, env, chart, names)
    assert len(before) >= 8 and all(BROKEN in err for err in before.values())

    monkeypatch.setenv("HELM_DRIVER_SQL_CONNECTION_STRING", helm_sql)
    code = main(["-q", "releases", "fix", "--all", "--storage", "sql", "-n", NAMESPACE, "--target", TARGET,
                 "--backup", str(tmp_path / "backup.jsonl"), "-o", "json"])
    results = json.loads(capsys.readouterr().out)["releases"]
    assert code == (1 if any(r["result"] in ("not fixed", "failed") for r in results) else 0)
    fixed = sorted(r["name"] for r in results if r["result"] == "fixed")
    assert set(before) <= set(fixed) | {r["name"] for r in results if r["result"] != "fixed"}
    assert len(fixed) >= len(before)

    after = _upgrades(helm_binary, env, chart, fixed)
    assert after == {}, {name: err.strip().splitlines()[-1] for name, err in after.items()}
