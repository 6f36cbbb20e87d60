"""The etcd commands a plan prints run as printed against a real 3-member etcd: the snapshot before the
step, then at rollback time the fresh snapshot, the diff that exports the Secret rotated since the step's
snapshot (mode 0600), the verify and the per-member restore plan."""

from __future__ import annotations

import base64
import re
import shlex
import stat
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.lifecycle import Lifecycle
from kubehop.manifests import read_documents
from kubehop.model import KubeVersion
from kubehop.plan import build_plan, from_documents
from kubehop.plan.model import Step
from tests.etcd import k8s_values as kv
from tests.fixtures.etcd import EtcdCluster

ROOT = Path(__file__).resolve().parents[2]
KEY = b"/registry/secrets/plan-test/registry-credentials"


def _commands(step: Step, keys: set[str], variables: dict[str, str]) -> list[list[str]]:
    lines = [c.line for p in (*step.phases, *step.rollback) if p.key in keys for t in p.tasks for c in t.commands
             if not c.manual]
    return [shlex.split(re.sub(r"\$\{([A-Z0-9_]+)\}", lambda m: variables[m.group(1)], line))[1:] for line in lines]


def test_printed_etcd_commands_work_on_a_real_cluster(etcd_cluster: EtcdCluster, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    manifest = "examples/manifests/image-manager.yaml"
    lc = Lifecycle.default()
    inventory = from_documents(read_documents((ROOT / manifest).read_text(), manifest), lc)
    step = build_plan(KubeVersion.parse("1.16.7"), KubeVersion.parse("1.17"), inventory, lc).steps[0]
    cluster_file = tmp_path / "etcd-cluster.yaml"
    cluster_file.write_text("token: kubehop-test\nmembers:\n" + "".join(
        f"  - name: {m.name}\n    peerURL: {m.peer_url}\n    dataDir: /var/lib/etcd\n" for m in etcd_cluster.members))
    variables = {"BACKUP_DIR": str(tmp_path / "backups"), "ETCD_CLUSTER_FILE": str(cluster_file)}
    (tmp_path / "backups").mkdir()
    monkeypatch.setenv("ETCDCTL_ENDPOINTS", etcd_cluster.members[0].client_url)

    etcd_cluster.put(KEY, kv.secret("registry-credentials", "plan-test", {"password": b"before-rotation"}))
    forward = _commands(step, {"etcd-snapshot"}, variables)
    assert [argv[:2] for argv in forward] == [["etcd", "backup"], ["etcd", "verify"]]
    for argv in forward:
        assert main(argv) == 0, argv

    # the credential is rotated after the snapshot: a restore would bring the old value back
    etcd_cluster.put(KEY, kv.secret("registry-credentials", "plan-test", {"password": b"after-rotation"}))
    rollback = _commands(step, {"rollback-etcd"}, variables)
    assert [argv[:2] for argv in rollback] == [["etcd", "backup"], ["etcd", "diff"], ["etcd", "verify"],
                                               ["etcd", "restore-plan"]]
    capsys.readouterr()
    for argv in rollback:
        assert main(argv) == 0, argv
    printed = capsys.readouterr().out
    assert "after-rotation" not in printed and base64.b64encode(b"after-rotation").decode() not in printed
    (exported,) = [p for p in (tmp_path / "backups" / "changed-since-1.17").iterdir()
                   if "registry-credentials" in p.name]
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    assert base64.b64encode(b"after-rotation").decode() in exported.read_text()
    assert "etcdctl snapshot restore" in printed or "etcdutl snapshot restore" in printed
