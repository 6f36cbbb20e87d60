"""Benchmark `kubehop scan` against PyYAML's C loader parsing the same corpus, and CLI start-up.

    python -m bench.bench_scan            # 50 MiB corpus in bench/out/, target 1.22
    python -m bench.bench_scan --mb 200 --repeat 5

Prints one Markdown table: scan time, parse-only time, their ratio, the findings of the fast path
and of the --full-parse reference path (and whether they are identical), and CLI start-up time.
Exits 1 when the two paths disagree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml

from bench.corpus import MB, CorpusInfo, CorpusSpec, generate
from kubehop.lifecycle import Lifecycle
from kubehop.manifests.charts import ChartOptions
from kubehop.manifests.sources import MANIFEST_SUFFIXES
from kubehop.model import Finding
from kubehop.scan import Scanner, ScanOptions, ScanStats
from kubehop.scan_paths import scan_paths

OUT = Path(__file__).resolve().parent / "out"
GOAL_RATIO = 10.0
STARTUP_LIMIT_S = 0.5
T = TypeVar("T")


def build_corpus(spec: CorpusSpec, rebuild: bool) -> CorpusInfo:
    """Generate the corpus once per spec; a stamp file next to it records what was generated."""
    root = OUT / f"corpus-{spec.mb:g}mb-seed{spec.seed}"
    stamp = root.with_suffix(".json")
    wanted = {"generator": _generator_digest(), "mb": spec.mb, "seed": spec.seed, "legacy_share": spec.legacy_share, "quirk_rate": spec.quirk_rate,
              "blob_scale": spec.blob_scale, "export_share": spec.export_share}
    if not rebuild and root.is_dir() and stamp.is_file():
        recorded = json.loads(stamp.read_text())
        if recorded.get("spec") == wanted:
            return CorpusInfo(root, recorded["files"], recorded["bytes"], recorded["documents"])
    info = generate(root, spec)
    stamp.write_text(json.dumps({"spec": wanted, "files": info.files, "bytes": info.bytes,
                                 "documents": info.documents}))
    return info


def _generator_digest() -> str:
    """Changes whenever the generator's code does, so an outdated corpus is rebuilt."""
    digest = hashlib.sha256()
    for name in ("corpus.py", "charts.py", "objects.py", "crds.py", "emit.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def manifest_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(MANIFEST_SUFFIXES))


def best_of(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def kubehop_scan(root: Path, target: str, full_parse: bool) -> tuple[list[Finding], ScanStats]:
    """What `kubehop scan ROOT --target TARGET` does, minus rendering the report."""
    lifecycle = Lifecycle.load()
    version = lifecycle.parse_target(target)
    scanner = Scanner(ScanOptions(target=version, lifecycle=lifecycle, full_parse=full_parse))
    findings = list(scan_paths([str(root)], scanner, ChartOptions(kube_version=version)))
    return findings, scanner.stats


def pyyaml_parse(files: list[Path]) -> int:
    """Parse every file with yaml.load_all and the C loader; returns the number of documents."""
    loader = yaml.CSafeLoader
    return sum(sum(1 for _ in yaml.load_all(path.read_bytes(), Loader=loader)) for path in files)


def cli_startup(path: Path, target: str, runs: int) -> float:
    """Best wall time of `kubehop scan FILE --target TARGET` as a fresh process."""
    script = shutil.which("kubehop", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "kubehop"]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*command, "scan", str(path), "--target", target], stdout=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def one_file(root: Path) -> Path:
    path = OUT / "one-file.yaml"
    path.write_text(
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n"
        "  backend:\n    serviceName: web\n    servicePort: 80\n"
    )
    return path


def _severities(findings: list[Finding]) -> str:
    counts = Counter(f.severity.name.lower() for f in findings)
    return ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="benchmark kubehop scan against a PyYAML parse of the same corpus")
    parser.add_argument("--mb", type=float, default=CorpusSpec.mb, help="corpus size in MiB (default 50)")
    parser.add_argument("--seed", type=int, default=CorpusSpec.seed)
    parser.add_argument("--target", default="1.22")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the timings (default 3)")
    parser.add_argument("--startup-runs", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the corpus even if it exists")
    args = parser.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    info = build_corpus(CorpusSpec(mb=args.mb, seed=args.seed), args.rebuild)
    files = manifest_files(info.root)
    for path in files:  # warm the page cache so both sides read from memory
        path.read_bytes()

    parse_s, parsed_docs = best_of(args.repeat, lambda: pyyaml_parse(files))
    scan_s, (fast, stats) = best_of(args.repeat, lambda: kubehop_scan(info.root, args.target, False))
    full_s, (full, _) = best_of(1, lambda: kubehop_scan(info.root, args.target, True))
    startup_s = cli_startup(one_file(info.root), args.target, args.startup_runs)
    identical = fast == full
    ratio = parse_s / scan_s

    mib = info.bytes / MB
    rows = [
        ("corpus", f"{mib:.1f} MiB, {len(files)} files, {parsed_docs} YAML documents (seed {args.seed})"),
        ("PyYAML CSafeLoader, parse only (`yaml.load_all`)", f"{parse_s:.2f} s ({mib / parse_s:.1f} MiB/s)"),
        (f"kubehop scan --target {args.target}", f"{scan_s:.2f} s ({mib / scan_s:.1f} MiB/s)"),
        ("ratio parse / scan", f"{ratio:.1f}x (goal >= {GOAL_RATIO:g}x: {'met' if ratio >= GOAL_RATIO else 'NOT met'})"),
        ("objects fully parsed by the scan", f"{stats.parsed} of {stats.documents}"),
        ("kubehop scan --full-parse (reference)", f"{full_s:.2f} s"),
        ("findings, fast path", f"{len(fast)} ({_severities(fast)})"),
        ("findings, --full-parse", f"{len(full)} ({_severities(full)})"),
        ("findings identical", "yes" if identical else "NO"),
        (f"CLI start-up, `kubehop scan one-file.yaml --target {args.target}`",
         f"{startup_s:.3f} s, best of {args.startup_runs} (limit {STARTUP_LIMIT_S} s: "
         f"{'met' if startup_s < STARTUP_LIMIT_S else 'NOT met'})"),
    ]
    width = max(len(name) for name, _ in rows)
    value_width = max(len(value) for _, value in rows)
    print(f"Python {sys.version.split()[0]}, PyYAML {yaml.__version__}, {os.cpu_count()} CPUs")
    print(f"| {'measurement'.ljust(width)} | {'result'.ljust(value_width)} |")
    print(f"|{'-' * (width + 2)}|{'-' * (value_width + 2)}|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value.ljust(value_width)} |")
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
