"""Start the test suite's emulated fleet (kmock over HTTP) for trying `kubehop fleet scan`.

    python scripts/kmock_fleet.py KUBECONFIG                 # serve until Ctrl-C
    python scripts/kmock_fleet.py KUBECONFIG -- CMD ARGS...  # run CMD with $KUBECONFIG set, then stop

The kubeconfig written has four contexts: old (v1.16), prod (v1.21, with /metrics and a Helm 3 release),
locked (v1.24, Secrets and /metrics forbidden) and down (nothing listening). See tests/fixtures/fleet.py.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.kmock_cluster import serve
from tests.fixtures.fleet import FLEET, start_fleet


def _start(kubeconfig: Path) -> tuple[str, Callable[[], None]]:
    fleet, stop = start_fleet(FLEET, kubeconfig)
    return ", ".join(fleet.urls), stop


def main(argv: list[str]) -> int:
    return serve(argv, __doc__ or "", _start)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
