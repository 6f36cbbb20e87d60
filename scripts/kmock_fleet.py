"""Start the test suite's emulated fleet (kmock over HTTP) for trying `kubehop fleet scan`.

    python scripts/kmock_fleet.py KUBECONFIG                 # serve until Ctrl-C
    python scripts/kmock_fleet.py KUBECONFIG -- CMD ARGS...  # run CMD with $KUBECONFIG set, then stop

The kubeconfig written has four contexts: old (v1.16), prod (v1.21, with /metrics and a Helm 3 release),
locked (v1.24, Secrets and /metrics forbidden) and down (nothing listening). See tests/fixtures/fleet.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.fleet import FLEET, start_fleet


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    kubeconfig, command = Path(argv[0]), argv[2:] if argv[1:2] == ["--"] else []
    fleet, stop = start_fleet(FLEET, kubeconfig)
    try:
        if command:
            return subprocess.call(command, env={**os.environ, "KUBECONFIG": str(kubeconfig)})
        print(f"serving {', '.join(fleet.urls)}; KUBECONFIG={kubeconfig} (Ctrl-C stops)", file=sys.stderr)
        threading.Event().wait()
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
