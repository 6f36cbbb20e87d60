"""The post-condition of `releases fix`: what was written is read back from the storage and scanned at the
target (wrappers, items, hooks); a release still holding something the target removed is `not fixed`,
exit 1, and its backup restores it exactly. A dry run predicts the same on the planned revisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.fix import Outcome
from kubehop.fix.backup import BackupWriter, read_backup
from kubehop.fix.batch import reread
from kubehop.fix.execute import execute, preview
from kubehop.fix.plan import FixOptions, FixPlan, plan_release
from kubehop.fix.render import render_json, render_plan, render_summary
from kubehop.fix.restore import restore_backup
from kubehop.fix.verify import leftovers
from kubehop.helm.codec import decode_body
from kubehop.helm.release import StoredRecord
from kubehop.helm.storage.base import Query, ReleaseStorage
from kubehop.helm.storage.file import FileStorage
from kubehop.model import KubeVersion
from tests.fix.conftest import Backend
from tests.fix.helpers import NOW, records
from tests.fix.seed import NAME, history
from tests.helm.factories import helm3_release

T116, T119, T122 = KubeVersion.parse("1.16"), KubeVersion.parse("1.19"), KubeVersion.parse("1.22")
LISTS = """---
# Source: c/templates/rbac.yaml
apiVersion: rbac.authorization.k8s.io/v1beta1
kind: RoleList
items:
- metadata: {name: r}
  rules: []
---
# Source: c/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
"""
HOOK = "# Source: c/templates/hook.yaml\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: h}\n"


def test_leftovers_name_wrappers_items_and_hooks() -> None:
    hooks = [{"name": "h", "kind": "Ingress", "path": "c/templates/hook.yaml", "manifest": HOOK,
              "events": ["pre-upgrade"], "last_run": {"started_at": "", "completed_at": "", "phase": ""},
              "weight": 0}]
    release = helm3_release(name="c", namespace="n", version=4, manifest=LISTS, hooks=hooks)
    assert leftovers(release, T122) == [
        "revision 4 manifest [c/templates/rbac.yaml]: rbac.authorization.k8s.io/v1beta1 RoleList",
        "revision 4 manifest [c/templates/rbac.yaml] items[0]: rbac.authorization.k8s.io/v1beta1 Role r",
        "revision 4 hook h [c/templates/hook.yaml]: extensions/v1beta1 Ingress h",
    ]
    assert leftovers(release, T119) == []  # all of it is still served at 1.19
    broken = helm3_release(name="c", namespace="n", version=2, manifest="apiVersion: v1\nkind: [\n")
    (line,) = leftovers(broken, T122)
    assert line.startswith("revision 2 manifest: unreadable document (")


def _seeded(backend: Backend) -> tuple[ReleaseStorage, list[StoredRecord]]:
    storage = backend.open()
    for release in history(backend.helm_major, backend.namespace):
        storage.create(release)
    return storage, records(storage, backend)


def _plan_for_1_16(storage: ReleaseStorage, backend: Backend) -> FixPlan:
    """A plan converting to 1.16 (the Ingress goes to networking.k8s.io/v1beta1, the newest 1.16 serves), checked
    at 1.22 below: what it writes is not valid at 1.22, as a converter that missed something would leave it."""
    revisions = reread(storage, (backend.helm_major, backend.record_namespace, NAME))
    plan = plan_release(revisions, FixOptions(T116), NOW)
    assert plan.outcome is Outcome.FIXED
    return plan


def test_a_written_revision_that_still_holds_removed_apis_is_not_fixed_and_its_backup_restores_it(
        backend: Backend, tmp_path: Path) -> None:
    storage, before = _seeded(backend)
    plan = _plan_for_1_16(storage, backend)
    predicted = preview(plan, T122)
    assert predicted.outcome is Outcome.NOT_FIXED and predicted.detail.startswith("would write revision 3")
    backup = tmp_path / "fix.jsonl"
    writer = BackupWriter(backup, storage.name)
    try:
        result = execute(plan, storage, writer, T122)
    finally:
        writer.close()
    assert result.outcome is Outcome.NOT_FIXED
    assert "read back from the storage it is still not served at 1.22 (Helm would fail)" in result.detail
    assert "revision 3 manifest [image-manager/templates/ingress.yaml]: networking.k8s.io/v1beta1 Ingress image-manager" \
        in result.detail
    assert "revision 3 hook image-manager-hook" not in result.detail  # the NetworkPolicy hook was converted
    assert result.written and "restore-backup" in result.detail
    summary = render_summary([result], dry_run=False)
    assert "not fixed" in summary and summary.endswith("failed 0, not fixed 1\n")
    assert json.loads(render_json([result], dry_run=False))["totals"]["not fixed"] == 1

    def key(record: StoredRecord) -> tuple[str, str, dict[str, str]]:
        return record.key, record.payload, dict(record.labels)

    assert len(records(storage, backend)) == len(before) + 1
    results = restore_backup(read_backup(backup), storage)
    assert [(r.outcome, r.restored, r.removed) for r in results] == [("restored", 1, 1)]
    assert sorted(map(key, records(storage, backend)), key=str) == sorted(map(key, before), key=str)


def test_dry_run_shows_the_prediction(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path / "r.yaml", tiller_namespace="kube-system")
    for release in history(3, "kube-system"):
        storage.create(release)
    plan = _plan_for_1_16(storage, Backend(f"file:{tmp_path}", 3, "kube-system", "kube-system", [], None))
    text = render_plan(plan, preview(plan, T122))
    assert text.startswith("=== kube-system/image-manager (Helm v3): not fixed: would write revision 3 deployed")
    assert "+apiVersion: apps/v1" in text  # the diff is still shown


def _write_release(path: Path, manifest: str) -> None:
    storage = FileStorage(path, tiller_namespace="kube-system")
    storage.create(helm3_release(name="lists", namespace="apps", version=1, status="deployed", manifest=manifest))


@pytest.mark.parametrize("dry_run", [True, False])
def test_typed_lists_are_fixed_and_the_rerun_is_unchanged(tmp_path: Path, dry_run: bool,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "releases.yaml"
    _write_release(store, LISTS)
    args = ["releases", "fix", "lists", "--storage", f"file:{store}", "-n", "apps", "--target", "1.22", "-o", "json"]
    args += ["--dry-run"] if dry_run else ["--backup", str(tmp_path / "b.jsonl")]
    assert main(args) == 0
    (result,) = json.loads(capsys.readouterr().out)["releases"]
    assert result["result"] == ("would fix" if dry_run else "fixed")
    if dry_run:
        return
    assert main(["releases", "scan", "--storage", f"file:{store}", "-n", "apps", "--target", "1.22", "-o", "json"]) \
        in (0, 3)
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {(f["kind"], f["location"]["revision"], f["location"].get("item")) for f in findings} == {
        ("RoleList", 1, None), ("Role", 1, "items[0]")}  # revision 1 as it was; revision 2 is clean
    assert main([*args[:-2], "--backup", str(tmp_path / "again.jsonl")]) == 0
    assert json.loads(capsys.readouterr().out)["releases"][0]["result"] == "unchanged"



def test_a_release_fixed_before_typed_lists_were_understood_is_fixed_now(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Items converted, wrapper left at the removed version: what an earlier fix could leave behind."""
    store = tmp_path / "releases.yaml"
    _write_release(store, "---\n# Source: c/templates/rbac.yaml\napiVersion: rbac.authorization.k8s.io/v1beta1\n"
                          "kind: RoleList\nitems:\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n"
                          "  metadata: {name: r}\n  rules: []\n")
    base = ["releases", "fix", "lists", "--storage", f"file:{store}", "-n", "apps", "--target", "1.22", "-o", "json"]
    assert main([*base, "--backup", str(tmp_path / "b.jsonl")]) == 0
    (result,) = json.loads(capsys.readouterr().out)["releases"]
    assert (result["result"], result["newRevision"]) == ("fixed", 2)
    (revision_2,) = [r for r in FileStorage(store, tiller_namespace="kube-system").list(Query(name="lists"))
                     if isinstance(r, StoredRecord) and r.key.endswith(".v2")]
    manifest = decode_body(revision_2.payload, 3, key=revision_2.key).manifest
    assert "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleList\n" in manifest and "v1beta1" not in manifest


def test_dry_run_names_converted_lists_with_their_item_count(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "releases.yaml"
    _write_release(store, LISTS)
    assert main(["releases", "fix", "lists", "--storage", f"file:{store}", "-n", "apps", "--target", "1.22",
                 "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("=== apps/lists (Helm v3): would fix\n")
    assert "    RoleList (1 item): rbac.authorization.k8s.io/v1beta1 -> rbac.authorization.k8s.io/v1\n" in out


def test_an_unchanged_release_still_holding_a_removed_api_is_not_fixed(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path / "r.yaml", tiller_namespace="kube-system")
    for release in history(3, "kube-system"):
        storage.create(release)
    backend = Backend(f"file:{tmp_path}", 3, "kube-system", "kube-system", [], None)
    first = _plan_for_1_16(storage, backend)
    writer = BackupWriter(tmp_path / "b.jsonl", storage.name)
    try:
        assert execute(first, storage, writer, T116).outcome is Outcome.FIXED
    finally:
        writer.close()
    # Nothing more to convert at 1.16; checked at 1.22, the networking.k8s.io/v1beta1 Ingress is left.
    again = plan_release(reread(storage, (3, "kube-system", NAME)), FixOptions(T116), NOW)
    assert again.outcome is Outcome.UNCHANGED
    assert preview(again, T116).outcome is Outcome.UNCHANGED
    result = preview(again, T122)
    assert result.outcome is Outcome.NOT_FIXED and result.detail.startswith(
        "nothing kubehop can convert, but still not served at 1.22 (Helm would fail): revision 3 manifest")
    assert "networking.k8s.io/v1beta1 Ingress image-manager" in result.detail


def test_secrets_inside_lists_are_hidden_from_the_dry_run_diff() -> None:
    from kubehop.fix.render import hide_secrets

    typed = "apiVersion: v1\nkind: SecretList\nitems:\n- metadata: {name: s}\n  data: {password: c2VjcmV0}\n"
    plain = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  data: {token: dG9rZW4=}\n"
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"
    shown = hide_secrets(f"---\n{typed}---\n{plain}---\n{config}")
    assert "c2VjcmV0" not in shown and "dG9rZW4=" not in shown
    assert shown.count("a Secret: content not shown") == 2 and config in shown
