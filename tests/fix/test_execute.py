"""The fix against every storage backend: crash after each write, re-run, concurrent changes, backups."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from kubehop.fix import Outcome
from kubehop.fix.backup import BackupWriter
from kubehop.fix.batch import reread
from kubehop.fix.execute import execute
from kubehop.fix.plan import FixOptions, plan_release
from kubehop.helm.codec import evolve
from tests.fix.conftest import BACKEND_IDS, BACKENDS, Backend
from tests.fix.helpers import NOW, TARGET, Crash, CrashAfter, only, records, run_fix, state, wipe
from tests.fix.seed import NAME, OLD_APIS, history

CASES = {"latest": ("superseded", "deployed"), "all": ("superseded", "deployed", "failed")}
CRASH_CASES = [pytest.param(b, mode, CASES[mode], id=f"{i}-{mode}")
               for b, i in zip(BACKENDS, BACKEND_IDS, strict=True) for mode in CASES]


def _usable(snapshot: dict[int, tuple[Any, ...]], originals: set[str]) -> None:
    """What Helm needs: a deployed revision, the newest of which holds the original or the converted manifest,
    and no pending latest revision."""
    deployed = [v for v, (status, *_rest) in snapshot.items() if status == "deployed"]
    assert deployed, f"no deployed revision left: {snapshot}"
    manifest = snapshot[max(deployed)][2]
    assert manifest in originals or not any(api in manifest for api in OLD_APIS)
    assert not str(snapshot[max(snapshot)][0]).startswith("pending")


@pytest.mark.parametrize(("backend", "revisions", "statuses"), CRASH_CASES, indirect=["backend"])
def test_crash_after_each_write_leaves_a_usable_release_and_a_rerun_converges(
        backend: Backend, tmp_path: Path, revisions: str, statuses: tuple[str, ...]) -> None:
    storage = backend.open()
    all_revisions = revisions == "all"
    seed = history(backend.helm_major, backend.namespace, statuses)
    originals = {r.manifest for r in seed}
    for release in seed:
        storage.create(release)
    reference_result = only(run_fix(storage, backend, tmp_path / "ref.jsonl", all_revisions=all_revisions))
    assert reference_result.outcome is Outcome.FIXED, reference_result
    reference = state(storage, backend)
    operations = len(reference_result.written)
    assert operations == (4 if all_revisions else 2)
    assert sorted(reference) == list(range(1, len(statuses) + 2))
    top = reference[len(statuses) + 1]
    assert top[0] == "deployed" and top[1] == "kubehop: converted APIs for Kubernetes 1.19 from revision 2"
    assert reference[2][0] == "superseded"
    assert all(not any(api in rev[2] for api in OLD_APIS) for rev in reference.values()) is all_revisions

    for crash_after in range(1, operations + 1):
        wipe(storage, backend)
        for release in seed:
            storage.create(release)
        backup = tmp_path / f"crash{crash_after}.jsonl"
        with pytest.raises(Crash):
            run_fix(CrashAfter(storage, crash_after), backend, backup, all_revisions=all_revisions)
        _usable(state(storage, backend), originals)
        saved = [json.loads(line) for line in backup.read_text().splitlines()[1:]]
        assert len(saved) == operations  # every record touched was saved before the first write
        rerun = only(run_fix(storage, backend, tmp_path / f"rerun{crash_after}.jsonl", all_revisions=all_revisions))
        assert rerun.outcome is (Outcome.UNCHANGED if crash_after == operations else Outcome.FIXED), rerun
        assert state(storage, backend) == reference, f"no convergence after a crash after write {crash_after}"
        again = only(run_fix(storage, backend, tmp_path / f"again{crash_after}.jsonl", all_revisions=all_revisions))
        assert again.outcome is Outcome.UNCHANGED, again
        assert not (tmp_path / f"again{crash_after}.jsonl").exists()


def test_a_revision_created_meanwhile_makes_the_release_skipped_and_is_not_overwritten(
        backend: Backend, tmp_path: Path) -> None:
    storage = backend.open()
    for release in history(backend.helm_major, backend.namespace):
        storage.create(release)
    revisions = reread(storage, (backend.helm_major, backend.record_namespace, NAME))
    plan = plan_release(revisions, FixOptions(TARGET), NOW)
    # Helm starts an upgrade between kubehop's read and its first write.
    theirs = evolve(revisions[-1].release, version=3, status="pending-upgrade", description="Preparing upgrade")
    storage.create(theirs)
    writer = BackupWriter(tmp_path / "b.jsonl", storage.name)
    try:
        result = execute(plan, storage, writer, TARGET)
    finally:
        writer.close()
    assert result.outcome is Outcome.SKIPPED
    assert "changed concurrently" in result.detail and "nothing written" in result.detail
    after = state(storage, backend)
    assert after[3][0] == "pending-upgrade" and after[3][1] == "Preparing upgrade"
    assert after[2][0] == "deployed"


def test_a_revision_changed_after_the_first_write_is_not_overwritten(backend: Backend, tmp_path: Path) -> None:
    storage = backend.open()
    for release in history(backend.helm_major, backend.namespace):
        storage.create(release)
    revisions = reread(storage, (backend.helm_major, backend.record_namespace, NAME))
    plan = plan_release(revisions, FixOptions(TARGET), NOW)
    # Someone rewrites revision 2 (e.g. another tool) after kubehop read it.
    current = next(r for r in records(storage, backend) if r.version == 2)
    storage.update(evolve(revisions[1].release, description="changed by someone else"), current)
    writer = BackupWriter(tmp_path / "b.jsonl", storage.name)
    try:
        result = execute(plan, storage, writer, TARGET)
    finally:
        writer.close()
    assert result.outcome is Outcome.SKIPPED and "run the fix again" in result.detail
    after = state(storage, backend)
    assert after[2][1] == "changed by someone else" and after[2][0] == "deployed"
    assert after[3][0] == "deployed"  # the release stays usable: two deployed, Helm takes the newest


def test_restore_backup_puts_every_record_back_exactly(backend: Backend, tmp_path: Path) -> None:
    from kubehop.fix.backup import read_backup
    from kubehop.fix.restore import restore_backup

    storage = backend.open()
    for release in history(backend.helm_major, backend.namespace, ("superseded", "deployed", "failed")):
        storage.create(release)
    before = {r.key: (r.payload, dict(r.labels), r.raw.get("type")) for r in records(storage, backend)}
    backup = tmp_path / "fix.jsonl"
    assert only(run_fix(storage, backend, backup, all_revisions=True)).outcome is Outcome.FIXED
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert len(records(storage, backend)) == 4
    results = restore_backup(read_backup(backup), storage)
    assert [(r.outcome, r.restored, r.removed) for r in results] == [("restored", 3, 1)]
    after = {r.key: (r.payload, dict(r.labels), r.raw.get("type")) for r in records(storage, backend)}
    assert after == before
    if backend.spec == "sql":
        rows = {r.key: {k: v for k, v in r.raw.items()} for r in records(storage, backend)}
        original = {e.key: e.raw for e in read_backup(backup).entries if e.raw is not None}
        for key, raw in original.items():
            assert rows[key] == raw  # every column, createdat/modifiedat included


KILL_SCRIPT = """
import os, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.fix.helpers import CrashAfter, run_fix

class Killed(CrashAfter):
    def _tick(self):
        self.left -= 1
        if self.left == 0:
            os._exit(9)  # the process dies right after the storage operation: no cleanup of any kind

def open_storage():
    if {spec!r}.startswith("file:"):
        from kubehop.helm.storage.file import FileStorage
        return FileStorage({spec!r}[5:], tiller_namespace="kube-system")
    from kubehop.helm.storage.sql import SqlStorage
    return SqlStorage(os.environ["KUBEHOP_TEST_SQL"])

class B:
    namespace, helm_major = {namespace!r}, {helm_major!r}

run_fix(Killed(open_storage(), {ops}), B(), Path({backup!r}), all_revisions=True)
sys.exit(3)
"""


@pytest.mark.parametrize("backend", [pytest.param(b, id=i) for b, i in zip(BACKENDS, BACKEND_IDS, strict=True)
                                     if b[0] in ("file", "sql")], indirect=True)
def test_killing_the_process_after_each_write_leaves_a_usable_release_and_a_synced_backup(
        backend: Backend, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    import os
    import subprocess
    import sys

    storage = backend.open()
    seed = history(backend.helm_major, backend.namespace, CASES["all"])
    for release in seed:
        storage.create(release)
    assert only(run_fix(storage, backend, tmp_path / "ref.jsonl", all_revisions=True)).outcome is Outcome.FIXED
    reference = state(storage, backend)
    env = dict(os.environ)
    if backend.spec == "sql":
        env["KUBEHOP_TEST_SQL"] = request.getfixturevalue("helm_sql")
    root = str(Path(__file__).resolve().parents[2])
    for ops in range(1, 5):
        wipe(storage, backend)
        for release in seed:
            storage.create(release)
        backup = tmp_path / f"kill{ops}.jsonl"
        script = KILL_SCRIPT.format(root=root, spec=backend.spec, namespace=backend.namespace,
                                    helm_major=backend.helm_major, ops=ops, backup=str(backup))
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 9, done.stderr
        _usable(state(storage, backend), {r.manifest for r in seed})
        assert len(backup.read_text().splitlines()) == 1 + 4  # header + every record touched, synced
        run_fix(storage, backend, tmp_path / f"rerun{ops}.jsonl", all_revisions=True)
        assert state(storage, backend) == reference
