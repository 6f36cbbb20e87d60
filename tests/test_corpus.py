"""kubehop over real rendered charts (corpus/helm-charts-2018, see corpus/README.md): every command a user
runs on them finishes with a documented exit code and no traceback, and what it claims holds afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubehop.helm.records import object_for, release_labels
from kubehop.helm.storage.file import dump_items
from tests.helm.factories import helm3_release

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "helm-charts-2018"
CHARTS = sorted(CORPUS.glob("*.yaml"))
TARGET = "1.22"


def _documents(path: Path) -> int:
    return sum(1 for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None)


def _kubehop(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kubehop", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=300)


def _removed(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["severity"] == "removed"]


def test_corpus_is_the_documented_one() -> None:
    assert len(CHARTS) == 206
    assert (ROOT / "corpus" / "README.md").read_text(encoding="utf-8").count("helm-charts-2018") >= 1


def test_scan_reads_every_document_of_the_corpus() -> None:
    done = _kubehop("scan", str(CORPUS), "--target", TARGET, "-o", "json")
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["sources"] == len(CHARTS)
    assert report["summary"]["documents"] == sum(_documents(p) for p in CHARTS)
    assert not [f for f in report["findings"] if f["rule"] == "parse-error"]
    full = json.loads(_kubehop("scan", str(CORPUS), "--target", TARGET, "-o", "json", "--full-parse").stdout)
    assert full["findings"] == report["findings"]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every chart of the corpus converted to the target in one run, written under a folder of its own."""
    out = tmp_path_factory.mktemp("converted")
    done = _kubehop("-q", "convert", str(CORPUS), "--target", TARGET, "--out-dir", str(out))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return out


def test_convert_handles_every_chart_and_leaves_no_removed_api(converted: Path) -> None:
    done = _kubehop("scan", str(converted), "--target", TARGET, "-o", "json")
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["documents"] == sum(_documents(p) for p in CHARTS)
    left = [(f["location"]["path"], f["apiVersion"], f["kind"]) for f in _removed(report)]
    assert left == []
    assert len(list(converted.rglob("*.yaml"))) == len(CHARTS)


def _store(path: Path) -> None:
    """Each chart as a Helm 3 release of two revisions (superseded, deployed), as `helm upgrade` leaves it,
    in one `kubectl get secrets -o yaml`-style file."""
    items = []
    for chart in CHARTS:
        manifest = chart.read_text(encoding="utf-8")
        for version, status in ((1, "superseded"), (2, "deployed")):
            release = helm3_release(name=chart.stem[:50], namespace="corpus", version=version, status=status,
                                    manifest=manifest)
            items.append(object_for(release, kind="Secret", namespace="corpus",
                                    labels=release_labels(release, now=1700000000, created=True)))
    path.write_text(dump_items(items), encoding="utf-8")


def test_releases_fix_over_the_corpus_is_true_and_restorable(tmp_path: Path) -> None:
    store = tmp_path / "releases.yaml"
    _store(store)
    before = store.read_bytes()
    backup = tmp_path / "backup.jsonl"

    done = _kubehop("releases", "fix", "--all", "--storage", f"file:{store}", "--target", TARGET,
                    "--backup", str(backup), "-o", "json")
    assert "Traceback" not in done.stderr
    results = json.loads(done.stdout)["releases"]
    assert len(results) == len(CHARTS)
    assert done.returncode in (0, 1), done.stderr
    outcomes = {r["result"] for r in results}
    assert outcomes <= {"fixed", "unchanged", "not fixed", "failed"}, outcomes
    assert (done.returncode == 1) == bool(outcomes & {"not fixed", "failed"})
    assert all(r.get("detail") for r in results if r["result"] in ("not fixed", "failed"))

    # "fixed" is a post-condition: the deployed revision of each fixed release holds no removed API.
    scan = _kubehop("releases", "scan", "--storage", f"file:{store}", "--target", TARGET, "-o", "json")
    assert "Traceback" not in scan.stderr
    fixed = {r["name"] for r in results if r["result"] == "fixed"}
    assert fixed
    still = {f["location"].get("release") for f in _removed(json.loads(scan.stdout))
             if f["location"].get("status") == "deployed"}
    assert not fixed & still

    restored = _kubehop("releases", "restore-backup", str(backup), "--storage", f"file:{store}")
    assert restored.returncode == 0, restored.stderr
    assert store.read_bytes() == before
