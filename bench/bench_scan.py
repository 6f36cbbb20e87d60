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
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml

import kubehop
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


@dataclass(frozen=True)
class Timing:
    """Best wall-clock and best CPU seconds over the runs (CPU time is steadier on a busy machine)."""

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU"


def best_of(repeat: int, run: Callable[[], T]) -> tuple[Timing, T]:
    wall = cpu = float("inf")
    result = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    assert result is not None
    return Timing(wall, cpu), result


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


def cli_startup(path: Path, target: str, runs: int, bytecode_cache: bool) -> float:
    """Best wall time of `kubehop scan FILE --target TARGET` as a fresh process (FILE holds a removed API).

    With bytecode_cache, compiled modules are cached (under bench/out/) as after `pip install`.
    Without, PYTHONDONTWRITEBYTECODE=1: modules with no `__pycache__` (an editable checkout that never
    wrote one) are compiled on every start.
    """
    script = shutil.which("kubehop", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "kubehop"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    if bytecode_cache:
        env["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"

    def run() -> int:
        done = subprocess.run([*command, "scan", str(path), "--target", target], capture_output=True, check=False,
                              env=env)
        if done.returncode != 3:  # exit code 3: removed APIs found, the scan really ran
            raise RuntimeError(f"kubehop scan {path} exited {done.returncode}: {done.stderr.decode()}")
        return done.returncode

    if bytecode_cache:
        run()  # fills the cache
    return best_of(runs, run)[0].wall


def one_file() -> Path:
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
    startup_s = cli_startup(one_file(), args.target, args.startup_runs, bytecode_cache=True)
    uncached_s = cli_startup(one_file(), args.target, args.startup_runs, bytecode_cache=False)
    package = Path(kubehop.__file__).parent
    uncached_note = "kubehop compiled each start" if not any(package.rglob("__pycache__")) else "kubehop cached"
    python_s = best_of(args.startup_runs, lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))[0].wall
    identical = fast == full
    ratio, cpu_ratio = parse_s.wall / scan_s.wall, parse_s.cpu / scan_s.cpu

    mib = info.bytes / MB
    rows = [
        ("corpus", f"{mib:.1f} MiB, {len(files)} files, {parsed_docs} YAML documents (seed {args.seed})"),
        ("PyYAML CSafeLoader, parse only (`yaml.load_all`)", f"{parse_s} ({mib / parse_s.wall:.1f} MiB/s)"),
        (f"kubehop scan --target {args.target}", f"{scan_s} ({mib / scan_s.wall:.1f} MiB/s)"),
        ("ratio parse / scan", f"{ratio:.1f}x wall, {cpu_ratio:.1f}x CPU "
                               f"(goal >= {GOAL_RATIO:g}x: {'met' if min(ratio, cpu_ratio) >= GOAL_RATIO else 'NOT met'})"),
        ("objects parsed by the scan", f"{stats.parsed} of {stats.documents} "
                                       f"({stats.heads_only} of them only up to the end of metadata)"),
        ("kubehop scan --full-parse (reference)", str(full_s)),
        ("findings, fast path", f"{len(fast)} ({_severities(fast)})"),
        ("findings, --full-parse", f"{len(full)} ({_severities(full)})"),
        ("findings identical", "yes" if identical else "NO"),
        (f"CLI start-up, `kubehop scan one-file.yaml --target {args.target}` (bytecode cached)",
         f"{startup_s:.3f} s, best of {args.startup_runs} (limit {STARTUP_LIMIT_S} s: "
         f"{'met' if startup_s < STARTUP_LIMIT_S else 'NOT met'})"),
        (f"the same with PYTHONDONTWRITEBYTECODE=1 ({uncached_note})", f"{uncached_s:.3f} s, best of {args.startup_runs}"),
        ("for comparison: `python -c pass`", f"{python_s:.3f} s, best of {args.startup_runs}"),
    ]
    width = max(len(name) for name, _ in rows)
    value_width = max(len(value) for _, value in rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Python {sys.version.split()[0]}, PyYAML {yaml.__version__}, {os.cpu_count()} CPUs, "
          f"load average {load} at the end")
    print(f"| {'measurement'.ljust(width)} | {'result'.ljust(value_width)} |")
    print(f"|{'-' * (width + 2)}|{'-' * (value_width + 2)}|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value.ljust(value_width)} |")
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
