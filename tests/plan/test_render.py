"""The renderers: every kubehop command line a plan prints parses with kubehop's own parser; the shell
script is valid bash, checks its variables, pauses between phases, and runs its kubehop commands in order."""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from kubehop.cli import build_parser, main
from kubehop.lifecycle import Lifecycle
from kubehop.manifests import read_documents
from kubehop.model import KubeVersion
from kubehop.plan import build_plan, from_documents, from_envelope, merge
from kubehop.plan.model import Inventory, Plan
from kubehop.plan.render import FORMATS, render_plan

ROOT = Path(__file__).resolve().parents[2]
LC = Lifecycle.default()
@functools.cache
def release_inventory(storage: str, target: str) -> Inventory:
    """What `kubehop releases scan -o json` reports for an example release store."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "releases.json"
        main(["releases", "scan", "--storage", storage, "--target", target, "-o", "json", "--output-file", str(out)])
        return from_envelope(json.loads(out.read_text()), "releases.json", LC)


def plan_for(source: str, target: str, storage: str, *files: str) -> Plan:
    docs = [d for f in files for d in read_documents((ROOT / f).read_text(), f)]
    inventory = merge([from_documents(docs, LC), release_inventory(storage, target)])
    return build_plan(KubeVersion.parse(source), KubeVersion.parse(target), inventory, LC, paths=files)


PLANS = {
    "seed": lambda: plan_for("1.16.7", "1.19.3", "file:examples/releases/helm2-image-manager.yaml",
                             "examples/manifests/image-manager.yaml", "examples/manifests/rbac.yaml"),
    "long": lambda: plan_for("1.19", "1.25", "file:examples/releases/helm3-image-manager.yaml",
                             "tests/plan/data/batch-1.19.yaml"),
}


_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)\}")
SAMPLE_VALUES = {"REVISION": "2", "BACKUP_DIR": "/backups", "ETCD_CLUSTER_FILE": "/etc/kubehop/etcd.yaml"}


def kubehop_lines(plan: Plan) -> list[str]:
    return [c.line for s in plan.steps for p in (*s.phases, *s.rollback) for t in p.tasks for c in t.commands
            if c.line.startswith("kubehop ")]


@pytest.mark.parametrize("name", sorted(PLANS))
def test_every_kubehop_command_parses(name: str) -> None:
    parser = build_parser()
    lines = kubehop_lines(PLANS[name]())
    assert lines, "a plan always prints kubehop commands"
    assert any(line.startswith("kubehop releases fix ") for line in lines)
    for line in lines:
        argv = shlex.split(_VARIABLE.sub(lambda m: SAMPLE_VALUES.get(m.group(1), "value"), line))[1:]
        try:
            parser.parse_args(argv)
        except SystemExit:
            pytest.fail(f"not a valid kubehop command line: {line}")


def test_every_format_renders() -> None:
    plan = PLANS["seed"]()
    for fmt in FORMATS:
        assert render_plan(plan, fmt, "0")


def test_markdown_is_a_checklist_with_commands_in_code_blocks() -> None:
    text = render_plan(PLANS["seed"](), "markdown", "0")
    assert text.count("- [ ] ") > 30
    assert "```sh\n  kubehop etcd backup" in text
    assert text.index("## Step 1: 1.16.7 -> 1.17") < text.index("### Rollback of step 1 (1.17 -> 1.16.7)") \
        < text.index("## Step 2: 1.17 -> 1.18")


def test_each_variable_is_listed_and_checked_once() -> None:
    plan = PLANS["seed"]()
    names = [v.name for v in plan.variables]
    assert len(names) == len(set(names))
    script = render_plan(plan, "shell", "0")
    begin = script[script.index("begin_1() {"):script.index("\n}\n", script.index("begin_1() {"))]
    checks = [line for line in begin.splitlines() if line.startswith('  : "${')]
    assert len(checks) == len(set(checks)) == 3  # ETCDCTL_ENDPOINTS, BACKUP_DIR, IMAGE_MANAGER_CHART


def test_shell_script_is_valid_bash(tmp_path: Path) -> None:
    for name, make in PLANS.items():
        script = tmp_path / f"{name}.sh"
        script.write_text(render_plan(make(), "shell", "0"))
        done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert "set -euo pipefail" in script.read_text()


def _recording_kubehop(tmp_path: Path) -> tuple[Path, Path]:
    """A `kubehop` first on PATH that records its arguments: the script's control flow is under test."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    fake = bin_dir / "kubehop"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {shlex.quote(str(log))}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    return bin_dir, log


def _run_script(tmp_path: Path, plan: Plan, args: list[str], env: dict[str, str], answers: int
                ) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "plan.sh"
    script.write_text(render_plan(plan, "shell", "0"))
    return subprocess.run(["bash", str(script), *args], input="\n" * answers, capture_output=True, text=True,
                          env=env, check=False, timeout=60)


def test_shell_script_runs_kubehop_commands_in_order_and_pauses(tmp_path: Path) -> None:
    plan = PLANS["seed"]()
    bin_dir, log = _recording_kubehop(tmp_path)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "ETCDCTL_ENDPOINTS": "http://127.0.0.1:1",
           "BACKUP_DIR": str(tmp_path / "backups"), "IMAGE_MANAGER_CHART": "charts/image-manager"}
    script = render_plan(plan, "shell", "0")
    pauses, in_step = 0, False
    for line in script.splitlines():
        if line.endswith("() {"):
            in_step = line.startswith("phase_")
        pauses += in_step and line.startswith("  pause ")
    assert pauses >= sum(len(s.phases) for s in plan.steps)  # one per phase at least
    done = _run_script(tmp_path, plan, [], env, answers=pauses)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    expected = [line.replace('"${BACKUP_DIR}', str(tmp_path / "backups"))
                .replace('"${IMAGE_MANAGER_CHART}"', "charts/image-manager").replace('"', "")
                for s in plan.steps for p in s.phases for t in p.tasks for line in [c.line for c in t.commands
                                                                                    if not c.manual]]
    assert calls == [e.removeprefix("kubehop ") for e in expected]
    assert "by hand: kubeadm upgrade apply v1.19.3" in done.stdout
    assert done.stdout.rstrip().endswith("keep the snapshots until the hop is accepted.")
    # without a confirmation for the last phase the script stops there, before declaring success
    log.unlink()
    short = _run_script(tmp_path, plan, [], env, answers=pauses - 1)
    assert short.returncode != 0 and "Done:" not in short.stdout
    assert log.read_text().splitlines() == calls


def test_shell_script_resumes_at_a_phase(tmp_path: Path) -> None:
    bin_dir, log = _recording_kubehop(tmp_path)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "ETCDCTL_ENDPOINTS": "x", "BACKUP_DIR": "/b",
           "IMAGE_MANAGER_CHART": "charts/image-manager"}
    plan = PLANS["seed"]()
    snapshot_phase = next(n for n, p in enumerate(plan.steps[1].phases, start=1) if p.key == "etcd-snapshot")
    done = _run_script(tmp_path, plan, ["from", f"2.{snapshot_phase}"], env, answers=100)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert calls[:2] == ["etcd backup /b/etcd-before-1.18.db", "etcd verify /b/etcd-before-1.18.db"]
    assert not any("1.17" in call for call in calls)
    assert done.stdout.startswith("== Step 2: 1.17 -> 1.18\n")
    bad = _run_script(tmp_path, plan, ["from", "9.1"], env, answers=1)
    assert bad.returncode == 1 and "no phase 9.1" in bad.stderr


def test_shell_script_refuses_to_start_without_its_variables(tmp_path: Path) -> None:
    bin_dir, log = _recording_kubehop(tmp_path)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = _run_script(tmp_path, PLANS["seed"](), [], env, answers=10)
    assert done.returncode != 0 and "set ETCDCTL_ENDPOINTS" in done.stderr
    assert not log.exists()


def test_shell_script_stops_at_a_blocked_step_with_exit_3(tmp_path: Path) -> None:
    bin_dir, log = _recording_kubehop(tmp_path)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "ETCDCTL_ENDPOINTS": "x", "BACKUP_DIR": "/b"}
    done = _run_script(tmp_path, PLANS["long"](), ["step", "6"], env, answers=10)
    assert done.returncode == 3
    assert "BLOCKED: PodSecurityPolicy restricted" in done.stderr
    assert not log.exists()


def test_shell_rollback_runs_only_when_asked(tmp_path: Path) -> None:
    bin_dir, log = _recording_kubehop(tmp_path)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "ETCDCTL_ENDPOINTS": "x", "BACKUP_DIR": "/b",
           "ETCD_CLUSTER_FILE": "/c.yaml", "REVISION": "2", "IMAGE_MANAGER_CHART": "charts/image-manager"}
    done = _run_script(tmp_path, PLANS["seed"](), ["rollback", "1"], env, answers=10)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    # charts first, then the control plane
    assert calls[0] == ("check rollback image-manager --to-revision 2 -n default "
                        "--storage file:examples/releases/helm2-image-manager.yaml --cluster")
    assert calls[1] == "etcd backup /b/etcd-at-rollback-1.17.db"
    assert "etcd diff /b/etcd-before-1.17.db /b/etcd-at-rollback-1.17.db --export /b/changed-since-1.17" in calls
    assert "etcd restore-plan /b/etcd-before-1.17.db --cluster-file /c.yaml --etcd-version 3.3" in calls
    assert not any(c.startswith("etcd restore ") for c in calls)  # each member restores by hand
    bad = _run_script(tmp_path, PLANS["seed"](), ["rollback", "9"], env, answers=1)
    assert bad.returncode == 1 and "no step 9" in bad.stderr
