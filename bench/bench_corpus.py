"""kubehop on the real-world corpus (corpus/helm-charts-2018), side by side with a baseline in the same run.

    python -m bench.bench_corpus                 # >= 50 MiB of charts, 10 revisions per release, 200,000 documents
    python -m bench.bench_corpus --mb 10 --revisions 3 --documents 20000   # a quick look

Each kubehop figure is the whole process as a user runs it (`python -m kubehop ...`, output to /dev/null),
measured by the kernel: CPU = user+sys of that process, wall, peak RSS. Baselines run in this process,
timed with time.process_time(): PyYAML's C loader parsing the same files; for `releases scan`, the bare
base64 + gunzip + json.loads of the same records. Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import os
import sys

import yaml

from bench.realworld import (
    MB,
    Run,
    bare_decode,
    best_run,
    large_corpus,
    old_api_file,
    pyyaml_parse,
    record_payloads,
    release_store,
    run_kubehop,
    timed,
)


def _ratio(kubehop: float, baseline: float) -> str:
    return f"{baseline / kubehop:.1f}x faster" if kubehop <= baseline else f"{kubehop / baseline:.1f}x slower"


def _times(run: Run) -> str:
    return f"{run.cpu:.2f} s CPU, {run.wall:.2f} s wall"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kubehop on the real-world corpus against a baseline")
    parser.add_argument("--mb", type=float, default=50, help="size the corpus is copied up to (default 50 MiB)")
    parser.add_argument("--revisions", type=int, default=10, help="revisions per release (default 10)")
    parser.add_argument("--documents", type=int, default=200_000, help="documents of the one-file case")
    parser.add_argument("--target", default="1.22")
    parser.add_argument("--repeat", type=int, default=2, help="best of N (default 2)")
    args = parser.parse_args(argv)

    root, files = large_corpus(args.mb)
    size = sum(f.stat().st_size for f in files)
    parse_cpu, parse_wall = timed(args.repeat, lambda: pyyaml_parse(files))
    scan = best_run(args.repeat, "scan", str(root), "--target", args.target)
    removed = best_run(args.repeat, "scan", str(root), "--target", args.target, "--only", "removed-api")

    store, manifest_bytes = release_store(args.revisions)
    payloads = record_payloads(store)
    bare_cpu, bare_wall = timed(args.repeat, lambda: bare_decode(payloads))
    releases = best_run(args.repeat, "releases", "scan", "--storage", f"file:{store}", "--target", args.target)
    plan = best_run(args.repeat, "plan", "--releases", "--storage", f"file:{store}", "--from", "1.9", "--to",
                    args.target)
    startup = best_run(3, "--version")

    big = old_api_file(args.documents)
    one = run_kubehop("scan", str(big), "--target", args.target)

    baseline = f"PyYAML-C parse alone {parse_cpu:.2f} s CPU, {parse_wall:.2f} s wall"
    rows = [
        (f"`scan --target {args.target}`, every rule ({size / MB:.1f} MiB, {len(files)} files)",
         _times(scan), baseline, _ratio(scan.cpu, parse_cpu), ">= 10x faster"),
        ("same, `--only removed-api`", _times(removed), baseline, _ratio(removed.cpu, parse_cpu), "-"),
        (f"`releases scan` of {len(payloads):,} revisions ({len(payloads) // args.revisions} releases x "
         f"{args.revisions}, file store, {manifest_bytes / MB:.1f} MiB of manifests)", _times(releases),
         f"bare base64+gunzip+json.loads {bare_cpu:.2f} s CPU, {bare_wall:.2f} s wall",
         _ratio(releases.cpu, bare_cpu), "<= 1.5x"),
        (f"`plan --releases` of the same store, 1.9 to {args.target}", _times(plan),
         f"bare base64+gunzip+json.loads {bare_cpu:.2f} s CPU, {bare_wall:.2f} s wall", _ratio(plan.cpu, bare_cpu),
         "-"),
        (f"one {big.stat().st_size / MB:.0f} MiB file, {args.documents:,} old-API documents",
         f"{_times(one)}, {one.rss_mib:.0f} MiB peak RSS", "-", "-", "<= 10 s, <= 300 MB"),
        ("for reference: `kubehop --version` (start-up)", _times(startup), "-", "-", "-"),
    ]
    codes = {"scan": scan.code, "only": removed.code, "releases": releases.code, "one file": one.code}  # 3: found
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Python {sys.version.split()[0]}, PyYAML {yaml.__version__}, {os.cpu_count()} CPUs, load average {load} "
          f"at the end; best of {args.repeat}; exit codes {codes}\n")
    print("| workload | kubehop | baseline | ratio | goal |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0 if all(code == 3 for code in codes.values()) and plan.code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
