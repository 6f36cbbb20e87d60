"""`kubehop releases fix | backup | restore-backup` end to end through the CLI, on file storage."""

from __future__ import annotations

import shutil
import stat
import sys
from pathlib import Path

import pytest
import yaml

from kubehop.cli import main
from kubehop.helm.codec import decode_body
from kubehop.helm.records import object_for, release_labels
from kubehop.helm.release import Release, StoredRecord
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.file import FileStorage
from tests.fix.seed import NAME, OLD_APIS, history
from tests.fixtures.kube_api import KubeApi
from tests.helm.factories import helm3_release

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "releases"


def seeded(tmp_path: Path, helm_major: int, statuses: tuple[str, ...] = ("superseded", "deployed")) -> Path:
    path = tmp_path / f"helm{helm_major}.yaml"
    storage = FileStorage(path)
    for release in history(helm_major, "kube-system", statuses):
        storage.create(release)
    return path


def revisions(path: Path) -> dict[int, tuple[str, str]]:
    out = {}
    for record in FileStorage(path).list(Query()):
        assert isinstance(record, StoredRecord)
        release = decode_body(record.payload, record.helm_major, key=record.key)
        out[release.version] = (release.status, release.manifest)
    return out


@pytest.mark.parametrize("helm_major", [2, 3])
def test_seed_scenario_dry_run_then_fix_then_restore(helm_major: int, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    path = seeded(tmp_path, helm_major)
    original = path.read_bytes()
    storage = f"file:{path}"

    assert main(["releases", "fix", NAME, "--storage", storage, "--target", "1.19", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert path.read_bytes() == original  # a dry run writes nothing
    assert f"=== kube-system/{NAME} (Helm v{helm_major}): would fix" in out
    assert "would create revision 3 (deployed)" in out and "would update revision 2 (superseded)" in out
    for line in ("DaemonSet kube-system/image-manager-init-certs: extensions/v1beta1 -> apps/v1",
                 "StatefulSet kube-system/image-manager: apps/v1beta1 -> apps/v1",
                 "Ingress kube-system/image-manager: extensions/v1beta1 -> networking.k8s.io/v1"):
        assert line in out
    assert f"--- {NAME} revision 2 manifest\n+++ {NAME} revision 3 manifest\n" in out
    assert "-apiVersion: extensions/v1beta1\n+apiVersion: apps/v1\n" in out
    assert "note: decision: DaemonSet" in out
    assert out.rstrip().endswith("would fix 1, unchanged 0, skipped 0, failed 0")
    assert not list(tmp_path.glob("kubehop-releases-backup-*"))

    assert main(["releases", "fix", NAME, "--storage", storage, "--target", "1.19", "--backup", "b.jsonl"]) == 0
    captured = capsys.readouterr()
    assert "fixed   revision 3 deployed, converted from revision 2" in captured.out
    assert "fixed 1, unchanged 0, skipped 0, failed 0" in captured.out
    assert "backup of 1 record(s) and 1 new revision key(s) written to b.jsonl" in captured.err
    assert stat.S_IMODE((tmp_path / "b.jsonl").stat().st_mode) == 0o600
    after = revisions(path)
    assert [after[v][0] for v in (1, 2, 3)] == ["superseded", "superseded", "deployed"]
    assert not any(api in after[3][1] for api in OLD_APIS)
    assert "extensions/v1beta1" in after[2][1]

    assert main(["releases", "fix", NAME, "--storage", storage, "--target", "1.19", "--backup", "c.jsonl"]) == 0
    assert "fixed 0, unchanged 1, skipped 0, failed 0" in capsys.readouterr().out
    assert len(revisions(path)) == 3 and not (tmp_path / "c.jsonl").exists()

    assert main(["releases", "restore-backup", "b.jsonl"]) == 0
    assert "1 record(s) put back, 1 revision(s) made by kubehop removed" in capsys.readouterr().out
    restored = yaml.safe_load(path.read_text())["items"]
    assert restored == yaml.safe_load(original.decode())["items"]


def test_revisions_all_rewrites_history_so_rollbacks_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    path = seeded(tmp_path, 3, ("superseded", "superseded", "deployed"))
    assert main(["releases", "fix", NAME, "--storage", f"file:{path}", "--target", "1.22",
                 "--revisions", "all"]) == 0
    after = revisions(path)
    assert [after[v][0] for v in (1, 2, 3, 4)] == ["superseded"] * 3 + ["deployed"]
    assert all(not any(api in manifest for api in OLD_APIS) for _, manifest in after.values())


@pytest.mark.parametrize("example", ["helm3-image-manager.yaml", "helm2-image-manager.yaml"])
def test_readme_demo_on_the_shipped_examples_runs_offline(example: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / example
    before = path.read_bytes()
    monkeypatch.delenv("KUBECONFIG", raising=False)
    # The README's command: a dry run without RELEASE looks at every release.
    assert main(["releases", "fix", "--storage", f"file:{path}", "--target", "1.19", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert path.read_bytes() == before
    assert "would fix 1, unchanged 0, skipped 0, failed 0" in out
    assert "DaemonSet" in out and "StatefulSet" in out and "Ingress" in out and "-> apps/v1" in out
    copy = tmp_path / example
    shutil.copy(path, copy)
    monkeypatch.chdir(tmp_path)
    assert main(["releases", "fix", "--all", "--storage", f"file:{copy}", "--target", "1.19"]) == 0
    assert main(["releases", "fix", "--all", "--storage", f"file:{copy}", "--target", "1.19"]) == 0
    assert "fixed 0, unchanged 1" in capsys.readouterr().out


def _write_file(path: Path, releases: list[Release]) -> None:
    items = []
    for release in releases:
        items.append(object_for(release, kind="Secret", namespace="apps",
                                labels=release_labels(release, now=1, created=True)))
    path.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}))


def test_all_reports_fixed_unchanged_skipped_and_failed_and_exits_non_zero_on_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    old = history(3, "apps")[1]
    releases = [helm3_release(name=f"shop-{i}", namespace="apps", manifest=old.manifest) for i in range(5)]
    releases.append(helm3_release(name="web", namespace="apps",
                                  manifest="---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"))
    releases += [helm3_release(name="busy", namespace="apps", version=1, status="deployed", manifest=old.manifest),
                 helm3_release(name="busy", namespace="apps", version=2, status="pending-upgrade",
                               manifest=old.manifest)]
    releases.append(helm3_release(name="broken", namespace="apps", manifest="---\nkind: Deployment\n: [\n"
                                  "apiVersion: extensions/v1beta1\n"))
    path = tmp_path / "releases.yaml"
    _write_file(path, releases)
    code = main(["releases", "fix", "--all", "--storage", f"file:{path}", "--target", "1.19"])
    out = capsys.readouterr().out
    assert code == 1
    assert "fixed 5, unchanged 1, skipped 1, failed 1" in out
    assert "busy" in out and "an operation is in progress (revision 2 is pending-upgrade)" in out
    assert "broken" in out and "cannot be converted" in out
    assert "web" not in out.split("fixed 5")[0]  # unchanged releases are counted, not listed


def test_listing_out_of_order_still_fixes_each_release_from_all_its_revisions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    a1, a2 = (helm3_release(name="a", namespace="apps", version=v, status=s, manifest=history(3, "apps")[0].manifest)
              for v, s in ((1, "superseded"), (2, "deployed")))
    b1 = helm3_release(name="b", namespace="apps", manifest=a1.manifest)
    path = tmp_path / "releases.yaml"
    _write_file(path, [a1, b1, a2])
    assert main(["releases", "fix", "--all", "--storage", f"file:{path}", "--target", "1.19"]) == 0
    assert "fixed 2, unchanged 0, skipped 0, failed 0" in capsys.readouterr().out
    statuses = {(r.name, r.version): r.status for r in FileStorage(path).list(Query())
                if isinstance(r, StoredRecord)}
    assert statuses == {("a", 1): "superseded", ("a", 2): "superseded", ("a", 3): "deployed",
                        ("b", 1): "superseded", ("b", 2): "deployed"}


def test_usage_errors_write_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    path = seeded(tmp_path, 3)
    before = path.read_bytes()
    assert main(["releases", "fix", "--storage", f"file:{path}", "--target", "1.19"]) == 1
    assert "name one RELEASE or pass --all" in capsys.readouterr().err
    assert main(["releases", "fix", NAME, "--all", "--storage", f"file:{path}", "--target", "1.19"]) == 1
    assert "not both" in capsys.readouterr().err
    (tmp_path / "taken.jsonl").write_text("precious\n")
    assert main(["releases", "fix", NAME, "--storage", f"file:{path}", "--target", "1.19",
                 "--backup", "taken.jsonl"]) == 1
    assert "backup file exists already" in capsys.readouterr().err
    assert (tmp_path / "taken.jsonl").read_text() == "precious\n" and path.read_bytes() == before
    assert main(["releases", "fix", NAME, "--storage", f"file:{path}", "--target", "0.9"]) == 1
    assert path.read_bytes() == before
    assert main(["releases", "fix", "nothere", "--storage", f"file:{path}", "--target", "1.19"]) == 1
    assert "no release named nothere found" in capsys.readouterr().out


def test_backup_command_and_restore_after_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    path = seeded(tmp_path, 2)
    original = yaml.safe_load(path.read_text())["items"]
    assert main(["releases", "backup", "--all", "--storage", f"file:{path}", "--backup", "all.jsonl"]) == 0
    assert "backed up 2 record(s) of 1 release(s) to all.jsonl" in capsys.readouterr().out
    assert stat.S_IMODE((tmp_path / "all.jsonl").stat().st_mode) == 0o600
    assert main(["releases", "fix", NAME, "--storage", f"file:{path}", "--target", "1.19",
                 "--revisions", "all", "--backup", "fix.jsonl"]) == 0
    assert main(["releases", "restore-backup", "all.jsonl"]) == 1  # revision 3 came after this backup
    assert "written after the backup" in capsys.readouterr().out
    assert main(["releases", "restore-backup", "fix.jsonl"]) == 0
    assert yaml.safe_load(path.read_text())["items"] == original
    assert main(["releases", "restore-backup", str(tmp_path / "missing.jsonl")]) == 1
    (tmp_path / "junk.jsonl").write_text('{"not": "a backup"}\n')
    assert main(["releases", "restore-backup", "junk.jsonl"]) == 1
    assert "not a kubehop release backup" in capsys.readouterr().err


def test_progress_goes_to_stderr_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    path = seeded(tmp_path, 3)
    assert main(["releases", "fix", "--all", "--storage", f"file:{path}", "--target", "1.19", "--dry-run"]) == 0
    assert "releases done" not in capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["releases", "fix", "--all", "--storage", f"file:{path}", "--target", "1.19", "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert "\rreleases done: 1 (last: fixed)" in captured.err and "releases done" not in captured.out


def test_seed_scenario_on_tillers_configmaps_through_the_kubernetes_api(
        kube_api: KubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The story's cluster: Helm 2, Tiller keeping records as ConfigMaps in its namespace."""
    from kubehop.helm.storage.kube import KubeStorage

    monkeypatch.chdir(tmp_path)
    tiller = kube_api.namespace()
    storage = KubeStorage(kube_api.api_client(), kind="ConfigMap", helm_major=2, tiller_namespace=tiller)
    for release in history(2, "kube-system"):
        storage.create(release)
    args = ["--storage", "tiller-configmap", "--kubeconfig", str(kube_api.kubeconfig), "--tiller-namespace", tiller,
            "--target", "1.19"]
    assert main(["releases", "fix", NAME, *args, "--backup", "b.jsonl"]) == 0
    assert "revision 3 deployed, converted from revision 2" in capsys.readouterr().out
    found = {r.version: r for r in storage.list(Query(name=NAME)) if isinstance(r, StoredRecord)}
    assert {v: r.status for v, r in found.items()} == {1: "superseded", 2: "superseded", 3: "deployed"}
    assert found[3].labels["STATUS"] == "DEPLOYED" and found[3].labels["OWNER"] == "TILLER"
    manifest = decode_body(found[3].payload, 2, key=found[3].key).manifest
    assert not any(api in manifest for api in OLD_APIS)
    assert main(["releases", "restore-backup", "b.jsonl", "--kubeconfig", str(kube_api.kubeconfig)]) == 0
    assert sorted(r.version for r in storage.list(Query(name=NAME)) if isinstance(r, StoredRecord)) == [1, 2]


def test_a_failed_latest_revision_is_said_in_the_summary_and_in_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    monkeypatch.chdir(tmp_path)
    path = seeded(tmp_path, 3, ("superseded", "deployed", "failed"))
    assert main(["releases", "fix", NAME, "--storage", f"file:{path}", "--target", "1.19", "--dry-run",
                 "-o", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dryRun"] is True and report["totals"]["fixed"] == 1
    (entry,) = report["releases"]
    assert (entry["name"], entry["result"], entry["sourceRevision"], entry["newRevision"]) == (
        NAME, "would fix", 2, 4)
    assert entry["notes"] == ["latest revision 3 is failed; converted revision 2, the deployed one Helm "
                              "upgrades from"]
    assert main(["releases", "fix", NAME, "--storage", f"file:{path}", "--target", "1.19"]) == 0
    out = capsys.readouterr().out
    assert f"note: kube-system/{NAME}: latest revision 3 is failed; converted revision 2" in out
    assert "revision 4 deployed, converted from revision 2" in out
    assert [s for s, _ in revisions(path).values()] == ["superseded", "superseded", "failed", "deployed"]


def test_dry_run_diff_never_shows_secret_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A Secret right before and after a converted Deployment: its lines would be the diff's context.
    secret = "---\n# Source: web/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n" \
             "data:\n  password: c3VwZXItc2VjcmV0\n"
    deployment = "---\n# Source: web/templates/web.yaml\napiVersion: extensions/v1beta1\nkind: Deployment\n" \
                 "metadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n"
    flow_secret = '--- {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "j"}, "data": {"k": "anNvbi1zZWNyZXQ="}}\n'
    release = helm3_release(name="web", namespace="apps", version=1, status="deployed",
                            manifest=secret + deployment + flow_secret)
    path = tmp_path / "records.yaml"
    _write_file(path, [release])
    assert main(["releases", "fix", "web", "--storage", f"file:{path}", "--target", "1.19", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "+apiVersion: apps/v1" in out and "# a Secret (web/templates/secret.yaml): content not shown" in out
    assert "c3VwZXItc2VjcmV0" not in out and "anNvbi1zZWNyZXQ=" not in out


def test_decisions_reach_the_converters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    webhook = "---\n# Source: w/templates/hook.yaml\napiVersion: admissionregistration.k8s.io/v1beta1\n" \
              "kind: ValidatingWebhookConfiguration\nmetadata:\n  name: w\nwebhooks:\n  - name: v.example.com\n" \
              "    clientConfig: {service: {name: w, namespace: w}}\n    sideEffects: Some\n"
    path = tmp_path / "records.yaml"
    _write_file(path, [helm3_release(name="w", namespace="apps", version=1, status="deployed", manifest=webhook)])
    argv = ["releases", "fix", "w", "--storage", f"file:{path}", "--target", "1.22", "--dry-run"]
    assert main(argv) == 0
    assert "+    sideEffects: NoneOnDryRun" not in capsys.readouterr().out
    assert main([*argv, "--webhook-side-effects", "NoneOnDryRun"]) == 0
    assert "+    sideEffects: NoneOnDryRun" in capsys.readouterr().out


def test_all_goes_on_past_releases_that_cannot_be_converted_and_reads_repeated_keys_as_helm(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    real = (Path(__file__).resolve().parents[1] / "data" / "real-world" / "duplicate-keys.yaml").read_text()
    old = history(3, "apps")[1]
    deep = "---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: d}\nspec: " + "[" * 3000 + "]" * 3000
    releases = [
        helm3_release(name="a-exporter", namespace="apps", manifest=real),
        helm3_release(name="b-malformed", namespace="apps",
                      manifest="---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: m}\n"
                               "spec: {rules: 5}\n"),
        helm3_release(name="c-deep", namespace="apps", manifest=deep),
        helm3_release(name="d-shop", namespace="apps", manifest=old.manifest),
    ]
    path = tmp_path / "releases.yaml"
    _write_file(path, releases)
    code = main(["releases", "fix", "--all", "--storage", f"file:{path}", "--target", "1.19"])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert "fixed 2, unchanged 0, skipped 0, failed 2" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.split()[:1] != ["note:"] and line.strip()}
    assert "failed" in lines["b-malformed"] and "malformed object, cannot be converted (TypeError:" in lines["b-malformed"]
    assert "failed" in lines["c-deep"] and "nested too deeply to be read" in lines["c-deep"]
    assert ("note: apps/a-exporter: a-exporter revision 1 manifest:73: duplicate key 'livenessProbe' "
            "(the last one wins, as in Helm)") in out
    after = {(r.name, r.version): decode_body(r.payload, 3, key=r.key) for r in FileStorage(path).list(Query())
             if isinstance(r, StoredRecord)}
    assert sorted(after) == [("a-exporter", 1), ("a-exporter", 2), ("b-malformed", 1), ("c-deep", 1),
                             ("d-shop", 1), ("d-shop", 2)]
    fixed = yaml.safe_load_all(after[("a-exporter", 2)].manifest)
    deployment = next(d for d in fixed if d and d["kind"] == "Deployment")
    assert deployment["apiVersion"] == "apps/v1"
    probe = deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]
    assert probe["initialDelaySeconds"] == 10
    assert after[("b-malformed", 1)].manifest == releases[1].manifest  # left as it was
