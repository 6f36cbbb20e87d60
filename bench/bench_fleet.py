"""Benchmark `kubehop fleet scan` over a fleet of emulated clusters.

    python -m bench.bench_fleet                  # 50 clusters, -j 8
    python -m bench.bench_fleet --clusters 10 -j 4 --api-requests

The clusters are kmock API emulators (the test suite's fleet fixture), every one seeded with the same
objects with years of history and a Helm 3 release, at versions 1.16 to 1.24, all served by one event
loop in this process. kubehop runs as its own process; its wall time, CPU time (user + system, from
wait4) and peak RSS (VmHWM, polled) are printed, with the report's summary.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.fixtures.fleet import METRICS, ClusterSpec, start_fleet

from bench.bench_etcd import _peak_kib

VERSIONS = ("v1.16.15", "v1.18.20", "v1.20.15", "v1.21.14", "v1.22.17", "v1.23.17", "v1.24.17")


def fleet_specs(count: int) -> list[ClusterSpec]:
    metrics = METRICS.read_text()
    return [ClusterSpec(f"cluster-{n:03d}", git_version=VERSIONS[n % len(VERSIONS)], metrics=metrics,
                        helm_release=True) for n in range(count)]


def run_kubehop(argv: list[str]) -> tuple[int, float, float, float, str]:
    """(exit code, wall seconds, CPU seconds, peak RSS MiB, stdout) of one kubehop process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        done, peak = threading.Event(), [0, 0]
        poller = threading.Thread(target=_peak_kib, args=(proc.pid, done, peak))
        poller.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        poller.join()
        out.seek(0)
        err.seek(0)
        if proc.returncode not in (0, 1, 2, 3):
            raise SystemExit(f"kubehop failed ({proc.returncode}): {err.read().decode()[-2000:]}")
        return proc.returncode, wall, usage.ru_utime + usage.ru_stime, peak[0] / 1024, out.read().decode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clusters", type=int, default=50)
    parser.add_argument("-j", "--jobs", type=int, default=8)
    parser.add_argument("--api-requests", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        fleet, stop = start_fleet(fleet_specs(args.clusters), Path(tmp) / "kubeconfig")
        print(f"{args.clusters} emulated clusters up in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        try:
            argv = [sys.executable, "-m", "kubehop", "fleet", "scan", "--all-contexts", "--kubeconfig",
                    str(fleet.kubeconfig), "-j", str(args.jobs), "-o", "json",
                    *(["--api-requests"] if args.api_requests else [])]
            code, wall, cpu, peak, out = run_kubehop(argv)
        finally:
            stop()
    data = json.loads(out)
    summary = data["summary"]
    print(f"fleet scan of {summary['clusters']} clusters (-j {args.jobs}): exit {code}, "
          f"{summary['findings']} findings, {summary['unreadable']} not read")
    print(f"wall {wall:.2f}s  cpu {cpu:.2f}s  peak RSS {peak:.0f} MiB")
    return 0 if summary["clusters"] == args.clusters and summary["unreadable"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
