#!/usr/bin/env python3
"""Cost of `kubehop releases fix --all`, side by side with a plain decode + encode of the same records.

Builds N Helm 3 releases (default 1,000) of two revisions each, encoded as Helm stores them; a share of
them (default all) still hold the seed scenario's removed APIs. Then times, over the same records:
  decode+encode   base64 decode, gunzip, json.loads, json.dumps, gzip, base64 (the least a rewrite costs)
  plan            decode_body + plan_release (conversion of manifest and hooks) + encoding the writes
  fix --all       the whole path (listing, planning, backup, crash-safe writes) against Helm's SQL
                  store (--sql URL: a PostgreSQL database whose schema Helm created) and/or the
                  Secrets API of the kmock emulator (--kmock; the emulator itself takes ~0.1-0.5 s
                  per write, so that row mostly measures it)
and prints them side by side as a table. (Memory bounds are tested in tests/fix/test_scale.py.)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime
import gzip
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.fix.seed import seed_manifest  # noqa: E402
from tests.helm.factories import helm3_body  # noqa: E402

from kubehop.fix import FixOptions, Selection, fix_releases  # noqa: E402
from kubehop.fix.backup import BackupWriter  # noqa: E402
from kubehop.fix.plan import plan_release  # noqa: E402
from kubehop.helm.codec import decode_body, encode_body  # noqa: E402
from kubehop.helm.codec_v3 import release_from_json  # noqa: E402
from kubehop.helm.payload import wrap  # noqa: E402
from kubehop.helm.release import Release, StoredRecord, StoredRelease  # noqa: E402
from kubehop.model import KubeVersion  # noqa: E402

CURRENT = "---\n# Source: app/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{i}\n"


def fleet(count: int, legacy_share: float) -> list[list[Release]]:
    every = max(1, round(1 / legacy_share)) if legacy_share > 0 else 0
    releases = []
    for i in range(count):
        manifest = seed_manifest("apps") if every and i % every == 0 else CURRENT.format(i=i)
        releases.append([release_from_json(helm3_body(name=f"app-{i:04d}", namespace="apps", version=v, status=s,
                                                      manifest=manifest))
                         for v, s in ((1, "superseded"), (2, "deployed"))])
    return releases


def records(releases: list[list[Release]]) -> list[list[StoredRecord]]:
    return [[StoredRecord(storage="bench", key=r.key, namespace=r.namespace, helm_major=3,
                          labels={"name": r.name, "owner": "helm", "status": r.status, "version": str(r.version)},
                          payload=encode_body(r), raw={}) for r in revisions] for revisions in releases]


def bare(stored: list[list[StoredRecord]]) -> float:
    start = time.perf_counter()
    for revisions in stored:
        for record in revisions:
            obj = json.loads(gzip.decompress(base64.b64decode(record.payload)))
            wrap(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())
    return time.perf_counter() - start


def plan_only(stored: list[list[StoredRecord]], target: KubeVersion, now: datetime.datetime) -> float:
    start = time.perf_counter()
    for revisions in stored:
        decoded = [StoredRelease(r, decode_body(r.payload, 3, key=r.key)) for r in revisions]
        plan = plan_release(decoded, FixOptions(target), now)
        for write in plan.writes:
            encode_body(write.release)
    return time.perf_counter() - start


def _serve(holder: dict[str, Any], ready: threading.Event) -> None:
    from kmock import Server
    from tests.fixtures.kube_api import HelmKubeEmulator

    async def main() -> None:
        async with HelmKubeEmulator() as emulator, Server(emulator) as server:
            holder.update(port=server.port, loop=asyncio.get_running_loop(), stop=asyncio.Event())
            ready.set()
            await holder["stop"].wait()

    asyncio.run(main())


def _run(storage: Any, target: KubeVersion, now: datetime.datetime, tmp: str) -> tuple[float, str]:
    writer = BackupWriter(Path(tmp) / "backup.jsonl", storage.name)
    start = time.perf_counter()
    results = fix_releases(storage, Selection(namespace="apps"), FixOptions(target), writer, now=now,
                           report=lambda plan, result: None)
    elapsed = time.perf_counter() - start
    writer.close()
    outcomes = [r.outcome.value for r in results.values()]
    return elapsed, ", ".join(f"{o} {outcomes.count(o)}" for o in sorted(set(outcomes)))


def fix_via_sql(url: str, releases: list[list[Release]], target: KubeVersion,
                now: datetime.datetime) -> tuple[float, str]:
    import psycopg

    from kubehop.helm.storage.sql import SqlStorage

    with psycopg.connect(url, autocommit=True) as conn:  # a clean slate for the bench's namespace
        conn.execute("DELETE FROM releases_v1 WHERE namespace = 'apps'")
        conn.execute("DELETE FROM custom_labels_v1 WHERE releasenamespace = 'apps'")
    storage = SqlStorage(url)
    try:
        for revisions in releases:
            for release in revisions:
                storage.create(release)
        with tempfile.TemporaryDirectory() as tmp:
            return _run(storage, target, now, tmp)
    finally:
        storage.close()


def fix_via_api(releases: list[list[Release]], target: KubeVersion, now: datetime.datetime) -> tuple[float, str]:
    from tests.fixtures.kube_api import write_kubeconfig

    from kubehop.cluster import api_client
    from kubehop.helm.storage.kube import KubeStorage

    holder: dict[str, Any] = {}
    ready = threading.Event()
    threading.Thread(target=_serve, args=(holder, ready), daemon=True).start()
    if not ready.wait(30):
        raise SystemExit("kmock did not start")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = write_kubeconfig(Path(tmp) / "kubeconfig", f"http://127.0.0.1:{holder['port']}")
            storage = KubeStorage(api_client(str(config)), kind="Secret", helm_major=3)
            for revisions in releases:
                for release in revisions:
                    storage.create(release)
            return _run(storage, target, now, tmp)
    finally:
        holder["loop"].call_soon_threadsafe(holder["stop"].set)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--legacy-share", type=float, default=1.0, help="share of releases with removed APIs")
    parser.add_argument("--target", default="1.19")
    parser.add_argument("--sql", metavar="URL", help="also run the fix against this PostgreSQL (Helm's schema)")
    parser.add_argument("--kmock", action="store_true", help="also run the fix against the kmock API emulator")
    args = parser.parse_args()
    target = KubeVersion.parse(args.target)
    now = datetime.datetime.now(datetime.UTC)
    releases = fleet(args.releases, args.legacy_share)
    stored = records(releases)
    rows = [("decode+encode (base64, gzip, JSON)", bare(stored), ""),
            ("plan: decode + convert + encode", plan_only(stored, target, now), "")]
    if args.sql:
        elapsed, outcomes = fix_via_sql(args.sql, releases, target, now)
        rows.append(("fix --all via Helm's SQL store", elapsed, outcomes))
    if args.kmock:
        elapsed, outcomes = fix_via_api(releases, target, now)
        rows.append(("fix --all via the Secrets API (kmock)", elapsed, outcomes))
    base = rows[0][1]
    print(f"kubehop releases fix: {args.releases} releases x 2 revisions, "
          f"{args.legacy_share:.0%} with removed APIs, target {target}")
    width = max(len(r[0]) for r in rows)
    print(f"{'step'.ljust(width)}  {'seconds':>8}  {'ms/release':>10}  {'x decode+encode':>15}  note")
    for name, seconds, note in rows:
        print(f"{name.ljust(width)}  {seconds:8.2f}  {seconds / args.releases * 1000:10.2f}  "
              f"{seconds / base:15.1f}  {note}".rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
