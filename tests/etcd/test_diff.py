"""`kubehop etcd diff OLD NEW` and `--export`: a Secret rotated after the snapshot is found and exported."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
import yaml

from kubehop.cli import main
from kubehop.etcd.bbolt import BoltFile
from kubehop.etcd.diff import diff_snapshots
from kubehop.model import ExitCode
from tests.etcd.conftest import NEW_PASSWORD, OLD_PASSWORD, Snapshots

pytestmark = pytest.mark.etcd


def test_changes_grouped_secrets_and_config_maps_first(k8s_snapshots: Snapshots) -> None:
    with BoltFile(k8s_snapshots.old) as old, BoltFile(k8s_snapshots.new) as new:
        report = diff_snapshots(old, new)
    changes = [(c.change, c.resource, c.namespace, c.name) for c in report.changes]
    assert changes == [
        ("added", "secrets", "default", "added-later"),
        ("changed", "secrets", "default", "db-password"),
        ("changed", "secrets", "kube-system", "encrypted-token"),
        ("changed", "configmaps", "default", "app-config"),
        ("deleted", "configmaps", "default", "to-delete"),
    ]
    assert report.unchanged > 5
    rotated = next(c for c in report.changes if c.name == "db-password")
    assert rotated.kind == "Secret" and 0 < rotated.old_revision < rotated.new_revision


def test_diff_of_identical_snapshots_is_empty(k8s_snapshots: Snapshots, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["etcd", "diff", str(k8s_snapshots.old), str(k8s_snapshots.old)]) == ExitCode.OK
    assert "0 reverted, 0 deleted, 0 recreated" in capsys.readouterr().out


def test_export_writes_new_secret_values_mode_0600(k8s_snapshots: Snapshots, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "export"
    assert main(["etcd", "diff", str(k8s_snapshots.old), str(k8s_snapshots.new), "--export", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "reverted by the restore" in printed and "db-password" in printed
    assert "not exported: /registry/secrets/kube-system/encrypted-token: stored encrypted (aescbc:key1)" in printed
    for secret in (OLD_PASSWORD, NEW_PASSWORD, base64.b64encode(NEW_PASSWORD)):
        assert secret.decode() not in printed
    files = sorted(p.name for p in out.iterdir())
    assert files == ["configmap_default_app-config.yaml", "secret_default_added-later.yaml",
                     "secret_default_db-password.yaml"]
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    manifest = yaml.safe_load((out / "secret_default_db-password.yaml").read_text())
    assert base64.b64decode(manifest["data"]["password"]) == NEW_PASSWORD
    assert manifest["metadata"] == {"name": "db-password", "namespace": "default", "labels": {"app": "db-password"}}
    assert yaml.safe_load((out / "configmap_default_app-config.yaml").read_text())["data"] == {"mode": "red"}


def test_export_never_overwrites(k8s_snapshots: Snapshots, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "secret_default_db-password.yaml").write_text("keep me")
    assert main(["etcd", "diff", str(k8s_snapshots.old), str(k8s_snapshots.new), "--export", str(out)]) == 1
    assert "would overwrite" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["secret_default_db-password.yaml"]
    assert (out / "secret_default_db-password.yaml").read_text() == "keep me"


def test_an_export_path_that_is_not_a_directory_is_a_one_line_error(
        k8s_snapshots: Snapshots, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "export.yaml"
    existing.write_text("keep me")
    under_a_file = existing / "sub"
    for path in (existing, under_a_file):
        assert main(["etcd", "diff", str(k8s_snapshots.old), str(k8s_snapshots.new), "--export", str(path)]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err.count("\n") == 1 and err.startswith(f"kubehop: error: {path}") and "Traceback" not in err
    assert existing.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.yaml"]


def test_diff_json(k8s_snapshots: Snapshots, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["etcd", "diff", str(k8s_snapshots.old), str(k8s_snapshots.new), "-o", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["command"] == "etcd diff"
    assert {c["name"]: c["change"] for c in data["changes"]}["to-delete"] == "deleted"
    assert {c["name"]: c["oldRevision"] for c in data["changes"]}["added-later"] == 0
