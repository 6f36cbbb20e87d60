"""Workloads built from the real-world corpus (corpus/helm-charts-2018) and how the benchmarks time them.

- `large_corpus`: the corpus's 206 rendered charts copied until the folder reaches the size asked for;
- `release_store`: the charts as Helm 3 releases of several revisions each, in one file store (a
  `kubectl get secrets -o yaml`-style List), as `helm upgrade` leaves them: each revision after the
  first changes one document (a label added), the others repeat byte for byte;
- `old_api_file`: one file of N small documents, each a workload in an API removed at 1.16;
- `run_kubehop`: the whole kubehop process as a user runs it, timed by the kernel (user+sys CPU of
  that process, wall, peak RSS).
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "helm-charts-2018"
OUT = Path(__file__).resolve().parent / "out"
MB = 2**20
_LABELS = re.compile(r"^  labels:\n( +)", re.MULTILINE)  # metadata.labels in block style


def charts() -> list[Path]:
    return sorted(CORPUS.glob("*.yaml"))


@dataclass(frozen=True)
class Run:
    """One kubehop process: CPU seconds (user+sys), wall seconds, peak RSS in MiB, exit code."""

    cpu: float
    wall: float
    rss_mib: float
    code: int


def run_kubehop(*args: str) -> Run:
    """`python -m kubehop ARGS` with output to /dev/null, measured with os.wait4 (that process alone)."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "kubehop", *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, process.returncode)


def best_run(repeat: int, *args: str) -> Run:
    runs = [run_kubehop(*args) for _ in range(repeat)]
    return Run(min(r.cpu for r in runs), min(r.wall for r in runs), max(r.rss_mib for r in runs), runs[0].code)


def timed(repeat: int, work: Any) -> tuple[float, float]:
    """Best CPU (time.process_time) and best wall seconds of `work()` in this process."""
    cpu = wall = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        cpu, wall = min(cpu, time.process_time() - start_cpu), min(wall, time.perf_counter() - start)
    return cpu, wall


def large_corpus(mb: float) -> tuple[Path, list[Path]]:
    """The corpus copied into bench/out/ as copy-NN/<chart>.yaml until it holds at least `mb` MiB."""
    sources = charts()
    size = sum(p.stat().st_size for p in sources)
    copies = max(1, -(-int(mb * MB) // size))
    root = OUT / f"realworld-{copies}x"
    files = [root / f"copy-{n:02d}" / p.name for n in range(copies) for p in sources]
    if not all(f.is_file() for f in files):
        for n in range(copies):
            (root / f"copy-{n:02d}").mkdir(parents=True, exist_ok=True)
            for p in sources:
                (root / f"copy-{n:02d}" / p.name).write_bytes(p.read_bytes())
    return root, files


def pyyaml_parse(files: list[Path]) -> int:
    """Documents in `files`, parsed with PyYAML's C loader (the baseline: parsing alone, nothing checked)."""
    return sum(sum(1 for _ in yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader)) for path in files)


def revised(manifest: str, revision: int) -> str:
    """The manifest as revision `revision` renders it: one document (in turn) gains a label."""
    docs = manifest.split("\n---\n")
    index = (revision - 2) % len(docs)
    match = _LABELS.search(docs[index]) if revision > 1 else None
    if match is not None:
        line = f'{match.group(1)}bench.kubehop.io/revision: "{revision}"\n'
        docs[index] = docs[index][: match.end() - len(match.group(1))] + line + docs[index][match.end() - len(match.group(1)):]
    return "\n---\n".join(docs)


def release_store(revisions: int) -> tuple[Path, int]:
    """Every chart as a release of `revisions` revisions in one file store; returns (path, manifest bytes)."""
    sys.path.insert(0, str(ROOT))
    from tests.helm.factories import helm3_release

    from kubehop.helm.records import object_for, release_labels
    from kubehop.helm.storage.file import dump_items

    path = OUT / f"realworld-releases-{revisions}.yaml"
    items, manifest_bytes = [], 0
    for chart in charts():
        text = chart.read_text(encoding="utf-8")
        for version in range(1, revisions + 1):
            manifest = revised(text, version)
            manifest_bytes += len(manifest.encode())
            release = helm3_release(name=chart.stem[:50], namespace="corpus", version=version,
                                    status="deployed" if version == revisions else "superseded", manifest=manifest)
            items.append(object_for(release, kind="Secret", namespace="corpus",
                                    labels=release_labels(release, now=1700000000, created=True)))
    OUT.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_items(items), encoding="utf-8")  # always rewritten: cheap, and never stale
    return path, manifest_bytes


def record_payloads(path: Path) -> list[bytes]:
    """The `data.release` of every Secret in the store, as stored (base64 of Helm's base64 payload)."""
    items = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["items"]
    return [item["data"]["release"].encode() for item in items]


def bare_decode(payloads: list[bytes]) -> int:
    """The least a reader does: base64 (the Secret's, then Helm's), gunzip, json.loads."""
    return sum(len(json.loads(gzip.decompress(base64.b64decode(base64.b64decode(p))))) for p in payloads)


OLD_API_DOC = ("---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: web-{n:06d}\n"
               "  namespace: team-{t:03d}\n  labels:\n    app: web\nspec:\n  replicas: 1\n")


def old_api_file(documents: int) -> Path:
    """One file of `documents` Deployments in extensions/v1beta1 (removed at 1.16, no spec.selector)."""
    path = OUT / f"old-api-{documents}.yaml"
    if not path.is_file():
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(OLD_API_DOC.format(n=n, t=n % 997) for n in range(documents)), encoding="utf-8")
    return path
