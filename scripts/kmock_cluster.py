"""Start the test suite's emulated v1.21 cluster (kmock over HTTP) for trying `kubehop scan --cluster`.

    python scripts/kmock_cluster.py KUBECONFIG                 # serve until Ctrl-C
    python scripts/kmock_cluster.py KUBECONFIG -- CMD ARGS...  # run CMD with $KUBECONFIG set, then stop

The kubeconfig written has one context, `prod`. The objects are those of tests/fixtures/kube_cluster_seed.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.kube_cluster import cluster_kubeconfig, start_cluster


def serve(argv: list[str], doc: str, start: Callable[[Path], tuple[str, Callable[[], None]]]) -> int:
    """KUBECONFIG [-- CMD ARGS...]: start the emulator (it writes KUBECONFIG and says what it serves), then run
    CMD with $KUBECONFIG set or serve until Ctrl-C; the emulator is stopped either way."""
    if not argv or argv[0].startswith("-"):
        print(doc, file=sys.stderr)
        return 2
    kubeconfig, command = Path(argv[0]), argv[2:] if argv[1:2] == ["--"] else []
    serving, stop = start(kubeconfig)
    try:
        if command:
            return subprocess.call(command, env={**os.environ, "KUBECONFIG": str(kubeconfig)})
        print(f"serving {serving}; KUBECONFIG={kubeconfig} (Ctrl-C stops)", file=sys.stderr)
        threading.Event().wait()
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


def _start(kubeconfig: Path) -> tuple[str, Callable[[], None]]:
    cluster, stop = start_cluster()
    try:
        cluster_kubeconfig(kubeconfig, cluster.url)
    except BaseException:
        stop()
        raise
    return cluster.url, stop


def main(argv: list[str]) -> int:
    return serve(argv, __doc__ or "", _start)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
